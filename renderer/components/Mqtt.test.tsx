// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { client, update } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { ClientDetail } from './ClientDetail';
import { ClientsView } from './ClientsView';
import { DeviceUrls } from './DeviceUrls';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

const mqttClient = client('mqtt:boiler', {
  id: 'mqtt:boiler',
  userId: null,
  protocol: 'mqtt',
  name: 'boiler',
  topics: ['home/boiler/set'],
  filters: ['home/+/temp'],
  mqtt: {
    clientId: 'boiler',
    clean: false,
    keepalive: 60,
    qos: { 'home/boiler/set': 1, 'home/+/temp': 0 },
    will: { topic: 'home/boiler/status', qos: 1, retain: true },
    queued: 2,
  },
});

describe('MQTT in the operator GUI', () => {
  it('shows the protocol of each client in the clients table (ws for tutorial devices), filters with topics', () => {
    useStore.getState().setClients([client('a', { topics: ['cats'] }), mqttClient]);
    render(<ClientsView />);
    expect(screen.getAllByTestId('client-protocol').map((cell) => cell.textContent)).toEqual(['ws', 'mqtt']);
    const row = screen.getAllByTestId('client-row')[1];
    expect(within(row as HTMLElement).getByTitle('home/+/temp')).toBeTruthy();
  });

  it('shows an MQTT client’s session, QoS per subscription and will in the client panel', () => {
    useStore.getState().connect(recordingTransport());
    useStore.getState().setClients([mqttClient]);
    render(<ClientDetail id="mqtt:boiler" />);
    expect(screen.getByTestId('detail-protocol').textContent).toBe('mqtt');
    const detail = screen.getByTestId('mqtt-detail');
    expect(detail.textContent).toContain('Persistent (kept while away)');
    expect(detail.textContent).toContain('home/+/temp QoS 0');
    expect(detail.textContent).toContain('home/boiler/status QoS 1, retained');
    expect(detail.textContent).toContain('60 s (cut after 90 s silent)');
    expect(screen.getByRole('button', { name: /Disconnect client/ })).toBeTruthy();
  });

  it('shows the MQTT address with a QR code and a mosquitto_sub line, or why MQTT is off', async () => {
    const listen = { host: '0.0.0.0', port: 8000, urls: ['http://192.168.1.20:8000'] };
    const mqtt = { port: 1883, tlsPort: null, problem: null, path: '/mqtt' };
    useStore.getState().applyUpdate(update({ status: { state: 'running', listen: { ...listen, mqtt }, error: null } }));
    const { unmount } = render(<DeviceUrls />);
    expect(screen.getByTestId('mqtt-url').textContent).toBe('mqtt://192.168.1.20:1883');
    fireEvent.click(screen.getByRole('button', { name: 'QR & more' }));
    // The QR code and the lines below it are a chunk of their own, loaded on the first click.
    expect(await screen.findByTitle('MQTT address as a QR code')).toBeTruthy();
    expect(screen.getByTestId('mosquitto-sub-line').textContent).toBe(
      "mosquitto_sub -h 192.168.1.20 -p 1883 -t '#' -v",
    );
    expect(screen.getByTestId('mqtt-ws-url').textContent).toBe('ws://192.168.1.20:8000/mqtt');
    unmount();
    const problem = 'MQTT off: port 1883 in use — change it in Settings';
    const off = { ...listen, mqtt: { ...mqtt, port: null, problem } };
    useStore.getState().applyUpdate(update({ status: { state: 'running', listen: off, error: null } }));
    render(<DeviceUrls />);
    expect(screen.getByTestId('mqtt-problem').textContent).toBe(problem);
  });
});
