/**
 * One last-will implementation for every door: a WebSocket device's will and an MQTT client's will
 * (MQTT.js) are held, checked, decided and published by the same core module (core/clients/wills.ts).
 * Both reach every door's subscribers alike (an envelope device, an SSE stream, an MQTT client, a
 * webhook) and count in the same metric; both are refused alike outside a device key's scope; the
 * hub's own ends publish neither; a takeover publishes one only when the session does not go on.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse } from '../../shared/api';
import { closeAfter, closeMqtt, mqttClient, mqttHub, mqttJs, nextMessages } from '../support/mqtt';
import { Device, metricSample, nextEvent, postJson, rawRequest, register, type TestHub } from '../support/relay';
import { waitFor } from '../support/sdk';
import { StreamReader } from '../support/stream';

afterEach(closeMqtt);

const js = (port: number, options: Parameters<typeof mqttJs>[1] = {}) =>
  mqttClient(`mqtt://127.0.0.1:${port}`, options);

/** A WebSocket device (on `url`) that left `will`, read by the hub (a ping answered after it). */
async function wsWithWill(url: string, will: unknown): Promise<Device> {
  const device = await Device.connect(url);
  closeAfter(() => device.close());
  device.send(JSON.stringify({ will }));
  device.send(JSON.stringify({ ping: 'after-will' }));
  await device.waitForMessages(1);
  return device;
}

const cut = (device: Device): void => (device.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();

/** The messages of a topic's history (the operator's view). */
async function history(hub: TestHub, topic: string, headers: Record<string, string> = {}): Promise<string[]> {
  const res = await rawRequest(hub.port, 'GET', `/history/${topic}`, undefined, headers);
  return res.status === 404 ? [] : (res.json as HistoryResponse).messages.map((m) => String(m.message));
}

/** A webhook receiver: the bodies it got. */
async function receiver(): Promise<{ got: Record<string, unknown>[]; url: string }> {
  const got: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closeAfter(() => new Promise((resolve) => server.close(resolve)));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/** The keys of a delivered envelope, and the values that do not depend on the publish's moment. */
const shape = (envelope: Record<string, unknown>): unknown => ({
  keys: Object.keys(envelope).sort(),
  topic: envelope.topic,
  message: envelope.message,
});

describe('one last will for every door', () => {
  it('publishes a WebSocket device’s will and an MQTT client’s will alike, to every door, counted in one metric', async () => {
    const hub = await mqttHub();
    const topics = ['status/ws', 'status/mqtt'];
    const { url: envelopeUrl } = await register(hub.port, 1);
    const envelope = await Device.connect(`${envelopeUrl}?format=envelope`);
    closeAfter(() => envelope.close());
    await envelope.setTopics(hub, topics);
    const sse = new StreamReader(hub.port, `/sse?topic=status/ws&topic=status/mqtt`);
    closeAfter(() => sse.close());
    await sse.event('subscribed');
    const mqttSub = await js(hub.mqtt, { clientId: 'watcher' });
    await mqttSub.subscribeAsync('status/#', { qos: 2 });
    const hook = await receiver();
    expect((await postJson(hub.port, '/webhooks', { url: hook.url, filters: ['status/#'] })).status).toBe(201);
    const mqttGot = nextMessages(mqttSub, 2);

    // The WebSocket device's will, then the MQTT client's: both cut without a goodbye.
    const { url: wsUrl, id: wsId } = await register(hub.port, 2);
    const device = await wsWithWill(`${wsUrl}?format=envelope`, {
      topic: 'status/ws',
      message: 'ws gone',
      retain: true,
    });
    expect(await metricSample(hub.port, 'relay_hub_wills')).toBe(1);
    const wsPublished = nextEvent(hub.relay, 'published', (event) => event.topic === 'status/ws');
    cut(device);
    expect(await wsPublished).toMatchObject({ origin: 'device', clientId: wsId, retain: true });
    const dying = await mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'dying',
      will: { topic: 'status/mqtt', payload: Buffer.from('mqtt gone'), qos: 1, retain: true },
    });
    await waitFor(() => hub.relay.client('mqtt:dying')?.mqtt?.will !== null, 'the MQTT will');
    expect(await metricSample(hub.port, 'relay_hub_wills')).toBe(1);
    const mqttPublished = nextEvent(hub.relay, 'published', (event) => event.topic === 'status/mqtt');
    dying.stream.destroy();
    expect(await mqttPublished).toMatchObject({ origin: 'mqtt', clientId: 'mqtt:dying', retain: true });

    // Every door got both, the same fields each time.
    await envelope.waitForMessages(2);
    const frames = envelope.messages.map((text) => JSON.parse(text) as Record<string, unknown>);
    await sse.until((reader) => reader.messages().length === 2);
    await waitFor(() => hook.got.length === 2, 'the webhook deliveries');
    for (const got of [frames, sse.messages(), hook.got]) {
      const [ws, mqtt] = got.map(shape) as [{ keys: string[] }, { keys: string[] }];
      expect(ws).toMatchObject({ topic: 'status/ws', message: 'ws gone' });
      expect(mqtt).toMatchObject({ topic: 'status/mqtt', message: 'mqtt gone' });
      expect(mqtt.keys).toEqual(ws.keys);
    }
    // MQTT subscribers get each at its own QoS: 0 for the device's, 1 for the MQTT client's.
    const received = (await mqttGot).map((m) => [m.topic, m.payload.toString(), m.qos]);
    expect(received).toEqual([
      ['status/ws', 'ws gone', 0],
      ['status/mqtt', 'mqtt gone', 1],
    ]);
    // Both kept as their topic's retained message, sent to a new MQTT subscriber with the retain flag.
    const late = await js(hub.mqtt, { clientId: 'late' });
    const retained = nextMessages(late, 2);
    await late.subscribeAsync('status/#', { qos: 1 });
    expect((await retained).map((m) => [m.topic, m.retain]).sort()).toEqual([
      ['status/mqtt', true],
      ['status/ws', true],
    ]);
    expect(await history(hub, 'status/ws')).toEqual(['ws gone']);
    expect(await history(hub, 'status/mqtt')).toEqual(['mqtt gone']);
    expect(await metricSample(hub.port, 'relay_hub_wills_published_total')).toBe(2);
    expect(await metricSample(hub.port, 'relay_hub_wills')).toBe(0);
  });

  it('refuses a will outside the device key’s publish scope the same way for both doors, and never publishes it', async () => {
    const token = 'one-will-access-token-0123456789';
    const auth = { authorization: `Bearer ${token}` };
    const hub = await mqttHub({ accessToken: token });
    const created = await rawRequest(
      hub.port,
      'POST',
      '/keys',
      JSON.stringify({ name: 'k', users: [5], subscribe: ['*'], publish: ['own/*'] }),
      { ...auth, 'content-type': 'application/json' },
    );
    const { secret } = created.json as { secret: string };
    const registered = await rawRequest(hub.port, 'POST', '/register', JSON.stringify({ user_id: 5 }), {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
    });
    const { url, id: wsId } = registered.json as { url: string; id: string };
    const forbidden = 'relay_hub_rejected_requests_total{reason="forbidden"}';

    // The WebSocket device: its will frame answered with an error frame, counted.
    const device = await Device.connect(url);
    closeAfter(() => device.close());
    device.send(JSON.stringify({ will: { topic: 'status', message: 'ws gone' } }));
    await device.waitForMessages(1);
    expect((JSON.parse(device.messages[0] as string) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await metricSample(hub.port, forbidden, auth)).toBe(1);
    // The MQTT client: connected (MQTT 3.1.1 can only refuse the whole CONNECT), its will refused, counted.
    const mqtt = await mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'scoped',
      username: '5',
      password: secret,
      will: { topic: 'status', payload: Buffer.from('mqtt gone'), qos: 1, retain: false },
    });
    await waitFor(() => hub.relay.client('mqtt:scoped') !== null, 'the MQTT client');
    expect(hub.relay.client('mqtt:scoped')?.mqtt?.will).toBeNull();
    expect(await metricSample(hub.port, forbidden, auth)).toBe(2);
    expect(await metricSample(hub.port, 'relay_hub_wills', auth)).toBe(0);

    const gone = [
      nextEvent(hub.relay, 'disconnected', (event) => event.id === wsId),
      nextEvent(hub.relay, 'disconnected', (event) => event.id === 'mqtt:scoped'),
    ];
    cut(device);
    mqtt.stream.destroy();
    await Promise.all(gone);
    expect(await history(hub, 'status', auth)).toEqual([]);
    expect(await metricSample(hub.port, 'relay_hub_wills_published_total', auth)).toBe(0);
  });

  it('publishes no will when the operator disconnects a client, on either door', async () => {
    const hub = await mqttHub();
    const watcher = await js(hub.mqtt, { clientId: 'watcher' });
    await watcher.subscribeAsync('status', { qos: 0 });
    const got = nextMessages(watcher, 1);
    const { url, id } = await register(hub.port, 2);
    await wsWithWill(url, { topic: 'status', message: 'ws will' });
    await js(hub.mqtt, {
      clientId: 'kicked',
      will: { topic: 'status', payload: Buffer.from('mqtt will'), qos: 0, retain: false },
    });
    await waitFor(() => hub.relay.client('mqtt:kicked') !== null, 'the MQTT client');
    expect(await metricSample(hub.port, 'relay_hub_wills')).toBe(2);
    const gone = [
      nextEvent(hub.relay, 'disconnected', (event) => event.id === id),
      nextEvent(hub.relay, 'disconnected', (event) => event.id === 'mqtt:kicked'),
    ];
    expect(hub.relay.unregister(id)).toBe(true);
    expect(hub.relay.unregister('mqtt:kicked')).toBe(true);
    await Promise.all(gone);
    await postJson(hub.port, '/publish', { topic: 'status', message: 'marker' });
    expect((await got).map((m) => m.payload.toString())).toEqual(['marker']);
    expect(await metricSample(hub.port, 'relay_hub_wills_published_total')).toBe(0);
    expect(await metricSample(hub.port, 'relay_hub_wills')).toBe(0);
  });

  it('on a takeover, publishes the older connection’s will only when its session does not go on (as mosquitto 2)', async () => {
    const hub = await mqttHub();
    const watcher = await js(hub.mqtt, { clientId: 'watcher' });
    await watcher.subscribeAsync('status/#', { qos: 0 });
    const got = nextMessages(watcher, 2);
    const will = (topic: string) => ({ topic, payload: Buffer.from(`${topic} will`), qos: 0 as const, retain: false });

    // Resumed: a persistent session taken over by a persistent connection; a device's new socket.
    await js(hub.mqtt, { clientId: 'kept', clean: false, will: will('status/kept') });
    await waitFor(() => hub.relay.client('mqtt:kept')?.connected === true, 'the first connection');
    const resumed = nextEvent(hub.relay, 'connected', (event) => event.client.id === 'mqtt:kept');
    await js(hub.mqtt, { clientId: 'kept', clean: false });
    await resumed;
    const { url, id } = await register(hub.port, 2);
    const first = await wsWithWill(url, { topic: 'status/device', message: 'device will' });
    const second = await Device.connect(url);
    closeAfter(() => second.close());
    expect(await first.closed()).toBe(4001);
    await waitFor(() => hub.relay.client(id)?.connected === true, 'the second socket');

    // Afresh: a clean connection takes the id over.
    await js(hub.mqtt, { clientId: 'fresh', clean: true, will: will('status/fresh') });
    await waitFor(() => hub.relay.client('mqtt:fresh') !== null, 'the clean connection');
    await js(hub.mqtt, { clientId: 'fresh', clean: true });
    await postJson(hub.port, '/publish', { topic: 'status/marker', message: 'marker' });
    expect((await got).map((m) => m.payload.toString())).toEqual(['status/fresh will', 'marker']);
    expect(await metricSample(hub.port, 'relay_hub_wills_published_total')).toBe(1);
  });
});
