/**
 * The recovery seam under load: while 10,000 messages are published to two topics, the
 * connections of two subscribers are cut 20 times (a TCP proxy destroys them: a Wi-Fi blink); one
 * is a plain envelope client that resubscribes with `since` by hand, the other the device SDK.
 * Each must end with every message exactly once, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type RelayClient } from '../../client/index';
import { register, startHub, type TestHub } from '../support/relay';
import { SwallowingProxy } from '../support/proxy';
import { waitFor } from '../support/sdk';
import { httpPool } from '../support/http';

let hub: TestHub | null = null;
let proxy: SwallowingProxy | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await proxy?.close();
  await hub?.relay.stop();
  proxy = null;
  hub = null;
});

const topics = ['x', 'y'];
const total = 10_000;
const cuts = 20;

/** A subscriber written by hand: envelopes, `since` on every reconnect, per-topic positions. */
class EnvelopeSubscriber {
  readonly received = new Map<string, { offset: number; message: string }[]>(topics.map((t) => [t, []]));
  readonly #positions = new Map<string, { offset: number; epoch: string }>();
  #ws: WebSocket | null = null;
  #closed = false;
  subscribed: Promise<void>;

  constructor(private readonly url: string) {
    this.subscribed = this.#open();
  }

  #open(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.url}?format=envelope&wait=subscribe`);
      this.#ws = ws;
      ws.on('open', () => {
        const since = Object.fromEntries(topics.map((t) => [t, this.#positions.get(t) ?? { offset: 0, epoch: '' }]));
        ws.send(JSON.stringify({ topics, since }));
      });
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if ('recovery' in frame) {
          for (const [topic, p] of Object.entries(
            frame.recovery as Record<string, { offset: number; epoch: string }>,
          )) {
            this.#positions.set(topic, { offset: p.offset, epoch: p.epoch });
          }
          resolve();
          return;
        }
        const { topic, offset, epoch, message } = frame as {
          topic: string;
          offset: number;
          epoch: string;
          message: string;
        };
        this.received.get(topic)?.push({ offset, message });
        this.#positions.set(topic, { offset, epoch });
      });
      ws.on('error', () => {});
      ws.on('close', () => {
        if (!this.#closed) setTimeout(() => void this.#open(), Math.random() * 20);
      });
    });
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }
}

/** Every message of a topic exactly once, in order: offsets 1..n with the text published at each. */
function expectComplete(got: { offset: number; message: string }[], published: Map<number, string>): void {
  expect(got.length, 'messages received').toBe(published.size);
  got.forEach(({ offset, message }, i) => {
    if (offset !== i + 1 || message !== published.get(offset)) {
      throw new Error(`at #${i}: got offset ${offset} "${message}", expected ${i + 1} "${published.get(i + 1)}"`);
    }
  });
}

describe('recovery under load', () => {
  it('gives a subscriber cut 20 times every one of 10,000 messages exactly once, in order (by hand and with the SDK)', async () => {
    hub = await startHub({ historySize: total });
    proxy = await SwallowingProxy.start(hub.port);
    const viaProxy = `127.0.0.1:${proxy.port}`;
    const manual = new EnvelopeSubscriber((await register(hub.port, 1)).url.replace(`127.0.0.1:${hub.port}`, viaProxy));
    cleanups.push(() => manual.close());
    const sdk: RelayClient = connect({
      hub: `http://${viaProxy}`,
      userId: 2,
      topics,
      WebSocket,
      reconnect: { baseMs: 10, capMs: 50 },
    });
    cleanups.push(() => sdk.close());
    const sdkGot = new Map<string, { offset: number; message: string }[]>(topics.map((t) => [t, []]));
    const sdkReady = new Promise((resolve) => sdk.once('recovery', resolve));
    sdk.on('message', ({ topic, offset, message, retained }) => {
      if (retained !== true) sdkGot.get(topic)?.push({ offset, message: String(message) });
    });
    await Promise.all([manual.subscribed, sdkReady]);
    let recoveries = 0;

    sdk.on('recovery', (results) => {
      recoveries++;
      for (const [topic, { recovered }] of Object.entries(results))
        if (!recovered) throw new Error(`${topic} not recovered`);
    });

    const published = new Map<string, Map<number, string>>(topics.map((t) => [t, new Map()]));
    const cutting = (async () => {
      for (let i = 0; i < cuts; i++) {
        // Each cut lands on a live connection, some time after the previous seam was crossed.
        await waitFor(() => recoveries >= i, 'the SDK back through the seam');
        await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 60));
        proxy?.cut();
      }
    })();
    await httpPool(hub.port, total, 8, async (post, i) => {
      const topic = topics[i % 2] as string;
      const message = `m${i}`;
      const receipt = (await post('/publish', { topic, message })) as { offset: number };
      published.get(topic)?.set(receipt.offset, message);
    });
    await cutting;
    await waitFor(() => recoveries >= cuts, 'the last seam');
    const done = (got: Map<string, { offset: number }[]>): boolean =>
      topics.every((t) => (got.get(t)?.length ?? 0) >= (published.get(t)?.size ?? 0));
    const counts = (got: Map<string, unknown[]>): string =>
      topics.map((t) => `${t}:${got.get(t)?.length}/${published.get(t)?.size}`).join(' ');
    await waitFor(() => done(manual.received) && done(sdkGot), 'both subscribers caught up', 30_000).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: by hand ${counts(manual.received)}, SDK ${counts(sdkGot)} (${sdk.state})`);
      },
    );
    for (const topic of topics) {
      expectComplete(manual.received.get(topic) ?? [], published.get(topic) ?? new Map<number, string>());
      expectComplete(sdkGot.get(topic) ?? [], published.get(topic) ?? new Map<number, string>());
    }
    expect(recoveries).toBe(cuts); // the SDK went through the seam after every cut
  }, 120_000);
});
