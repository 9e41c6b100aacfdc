import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { type HubProcess, startHub } from './hub';

/** Publishes one text message over HTTP. */
async function publish(hub: HubProcess, topic: string, message: string): Promise<void> {
  const res = await fetch(`${hub.baseUrl}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, message }),
  });
  expect(res.status).toBe(200);
}

test("a browser's EventSource gets every message once, in order, across a kill -9 of the hub", async ({ page }) => {
  const hubs: HubProcess[] = [];
  try {
    const first = await startHub();
    hubs.push(first);
    await page.goto(`${first.baseUrl}/health`);
    // The page a user would write: an EventSource on two topics, its messages in a list.
    await page.evaluate(() => {
      const state = window as unknown as { received: string[]; subscribed: number };
      state.received = [];
      state.subscribed = 0;
      const source = new EventSource('/sse?topic=a&topic=b');
      source.onmessage = (event: MessageEvent<string>) => {
        const envelope = JSON.parse(event.data) as { topic: string; message: string };
        state.received.push(`${envelope.topic}:${envelope.message}`);
      };
      source.addEventListener('subscribed', () => state.subscribed++);
    });
    const subscribed = (count: number) =>
      expect.poll(() => page.evaluate(() => (window as unknown as { subscribed: number }).subscribed)).toBe(count);
    await subscribed(1);
    const sent: string[] = [];
    const send = async (hub: HubProcess, n: number): Promise<void> => {
      const topic = n % 3 === 0 ? 'b' : 'a';
      await publish(hub, topic, `m${n}`);
      sent.push(`${topic}:m${n}`);
    };
    for (let n = 1; n <= 10; n++) await send(first, n);
    await first.kill();
    // The same port and data dir: the browser's own reconnect finds the hub again.
    const second = await startHub({ port: first.port, dataDir: first.dataDir });
    hubs.push(second);
    // Published before the browser is back: it gets them from the history (Last-Event-ID).
    for (let n = 11; n <= 20; n++) await send(second, n);
    await subscribed(2);
    for (let n = 21; n <= 25; n++) await send(second, n);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { received: string[] }).received.length))
      .toBe(sent.length);
    const received = await page.evaluate(() => (window as unknown as { received: string[] }).received);
    const perTopic = (list: string[], topic: string) => list.filter((m) => m.startsWith(`${topic}:`));
    expect(perTopic(received, 'a')).toEqual(perTopic(sent, 'a'));
    expect(perTopic(received, 'b')).toEqual(perTopic(sent, 'b'));
    expect(new Set(received).size).toBe(sent.length);
  } finally {
    for (const hub of hubs) await hub.stop();
  }
});

test('the EventSource page of docs/streams.md shows what is published', async ({ page, hub }) => {
  const doc = readFileSync('docs/streams.md', 'utf8');
  const html = /```html\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  await page.goto(`${hub.baseUrl}/health`);
  await page.setContent(html.replaceAll('http://127.0.0.1:8000', hub.baseUrl));
  // The page is live once the hub lists its stream.
  await expect
    .poll(async () => ((await (await fetch(`${hub.baseUrl}/clients`)).json()) as { clients: unknown[] }).clients.length)
    .toBe(1);
  await publish(hub, 'cats', 'hello from the doc');
  await expect(page.locator('#list li')).toHaveText(['cats: hello from the doc']);
});
