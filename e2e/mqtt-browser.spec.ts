/**
 * MQTT in Chromium: a page using MQTT.js (its browser bundle, as a web page would load it) connects
 * to the hub at ws://…/mqtt, gets a publish made over HTTP and one from a WebSocket device,
 * publishes to that device; the dashboard lists it with protocol mqtt-ws and shows the MQTT address.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectDevice, publish } from './devices';
import { startHub, type HubProcess } from './hub';

let hub: HubProcess | null = null;
test.afterEach(async () => {
  await hub?.stop();
  hub = null;
});

const page = (wsUrl: string): string => `<!doctype html>
<title>connecting</title>
<script src="file://${resolve('node_modules/mqtt/dist/mqtt.min.js')}"></script>
<ul id="log"></ul>
<script>
  const client = mqtt.connect(${JSON.stringify(wsUrl)}, { clientId: 'chromium', reconnectPeriod: 0 });
  client.on('connect', () => {
    client.subscribe('browser/#', () => { document.title = 'subscribed'; });
  });
  client.on('message', (topic, payload) => {
    const li = document.createElement('li');
    li.textContent = topic + ': ' + payload.toString();
    document.getElementById('log').append(li);
  });
  document.addEventListener('click', () => client.publish('cats', 'hello from MQTT.js in a browser'));
</script>`;

test('a browser page with MQTT.js on ws://…/mqtt receives and publishes, and the dashboard lists it', async ({
  browser,
}) => {
  hub = await startHub({ args: ['--mqtt-port', '0'] });
  const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-mqtt-page-')), 'mqtt.html');
  writeFileSync(file, page(`ws://127.0.0.1:${hub.port}/mqtt`));
  const tab = await browser.newPage();
  await tab.goto(`file://${file}`);
  await expect(tab).toHaveTitle('subscribed');
  await publish(hub.baseUrl, { topic: 'browser/hello', message: 'from HTTP' });
  await expect(tab.getByText('browser/hello: from HTTP')).toBeVisible();
  const device = await connectDevice(hub.baseUrl, 1, ['cats']);
  device.socket.send(JSON.stringify({ publish: { topic: 'browser/device', message: 'from a device' } }));
  await expect(tab.getByText('browser/device: from a device')).toBeVisible();
  await tab.mouse.click(10, 10);
  expect(await device.next()).toBe('hello from MQTT.js in a browser');

  const dashboard = await browser.newPage();
  await dashboard.goto(hub.dashboardUrl);
  await expect(dashboard.getByTestId('mqtt-url')).toHaveText(`mqtt://127.0.0.1:${String(hub.mqttPort)}`);
  await expect(dashboard.getByTestId('client-protocol').filter({ hasText: 'mqtt-ws' })).toHaveCount(1);
  device.close();
});
