/**
 * The device SDK's browser build (served by the hub) with binary messages, in Chromium: bytes
 * published over HTTP (0x00–0xFF, empty, 1 MiB random) arrive as exact Uint8Arrays, a text publish
 * to the same topic as text, and bytes the page publishes reach a real device as a binary frame.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { expect, test } from './fixtures';
import { register } from './devices';

const page = (hub: string): string => `<!doctype html>
<title>connecting</title>
<script type="module">
  import { connect } from '${hub}/sdk/relay-hub-client.mjs';
  const device = connect({ hub: '${hub}', userId: 1, topics: ['bin'] });
  window.received = [];
  device.on('state', (state) => (document.title = state));
  device.on('message', ({ message }) =>
    window.received.push(typeof message === 'string' ? { text: message } : { hex: [...message].map((b) => b.toString(16).padStart(2, '0')).join(''), isUint8Array: message instanceof Uint8Array }),
  );
  window.publishBytes = (hex) => device.publish('bin', new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16))));
</script>`;

async function postBytes(base: string, bytes: Buffer): Promise<number> {
  const res = await fetch(`${base}/publish?topic=bin`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { delivered: number }).delivered;
}

test('bytes arrive byte-exact in the browser SDK and go out as binary frames', async ({ page: browser, hub }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-binary-page-')), 'device.html');
  writeFileSync(file, page(hub.baseUrl));
  await browser.goto(`file://${file}`);
  await expect(browser).toHaveTitle('open');
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const big = randomBytes(1024 * 1024);
  for (const bytes of [everyByte, Buffer.alloc(0), big]) expect(await postBytes(hub.baseUrl, bytes)).toBe(1);
  await fetch(`${hub.baseUrl}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic: 'bin', message: 'text stays text' }),
  });
  await expect
    .poll(() => browser.evaluate(() => (window as unknown as { received: unknown[] }).received.length))
    .toBe(4);
  const received = await browser.evaluate(() => (window as unknown as { received: unknown[] }).received);
  expect(received).toEqual([
    { hex: everyByte.toString('hex'), isUint8Array: true },
    { hex: '', isUint8Array: true },
    { hex: big.toString('hex'), isUint8Array: true },
    { text: 'text stays text' },
  ]);

  // A device that reads raw frames gets the page's bytes as one binary frame.
  const { url } = await register(hub.baseUrl, 2);
  const reader = new WebSocket(url);
  await once(reader, 'open');
  reader.send(JSON.stringify({ topics: ['bin'] }));
  const frame = once(reader, 'message') as Promise<[Buffer, boolean]>;
  await browser.evaluate(() =>
    (window as unknown as { publishBytes(hex: string): Promise<unknown> }).publishBytes('00ff7f'),
  );
  const [data, isBinary] = await frame;
  expect([isBinary, [...data]]).toEqual([true, [0x00, 0xff, 0x7f]]);
  reader.close();
});
