/**
 * The device SDK when the hub goes away for real: the CLI killed with SIGKILL (its data dir
 * keeps the registrations) and started again, and a thundering herd of 1,000 clients whose first
 * retries must spread over the backoff window rather than hit the hub together.
 */
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type RelayClient } from '../../client/index';
import { killClis, runCli } from '../support/cli';
import { postJson, startHub, type TestHub } from '../support/relay';
import { waitFor, waitForState } from '../support/sdk';

const clients: RelayClient[] = [];
let hub: TestHub | null = null;
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await hub?.relay.stop();
  hub = null;
  killClis();
});

describe('the device SDK across a hub crash', () => {
  it('brings every client back, with its registration, after the hub is killed with SIGKILL and restarted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-sdk-kill-'));
    const first = await runCli(dataDir, 0);
    const port = first.port;
    for (let i = 0; i < 20; i++) {
      clients.push(
        connect({ hub: `http://127.0.0.1:${port}`, userId: i, topics: ['k'], WebSocket, reconnect: { baseMs: 50 } }),
      );
    }
    await Promise.all(clients.map((c) => waitForState(c, 'open')));
    const ids = clients.map((c) => c.id);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    await Promise.all(clients.map((c) => waitForState(c, 'reconnecting')));
    await runCli(dataDir, port);
    await Promise.all(clients.map((c) => waitForState(c, 'open')));
    expect(clients.map((c) => c.id)).toEqual(ids); // the same registrations, restored from the data dir
    const got = clients.map((c) => new Promise((resolve) => c.once('message', resolve)));
    await postJson(port, '/publish', { topic: 'k', message: 'after the crash' });
    const messages = await Promise.all(got);
    expect(messages).toHaveLength(20);
    for (const message of messages) expect(message).toMatchObject({ topic: 'k', message: 'after the crash' });
  }, 60_000);
});

describe('a thundering herd', () => {
  it('spreads the first retries of 1,000 clients over the backoff window: no 100 ms bucket holds more than 15 %', async () => {
    const count = 1_000;
    hub = await startHub();
    const { port } = hub;
    // A WebSocket that notes when each registration's first connection attempt after the stop starts.
    let firstRetry: Map<string, number> | null = null;
    class Recording extends WebSocket {
      constructor(url: string, options?: WebSocket.ClientOptions) {
        const id = url.split('?', 1)[0]?.split('/').pop() ?? '';
        if (firstRetry !== null && !firstRetry.has(id)) firstRetry.set(id, performance.now());
        super(url, options);
      }
    }
    for (let i = 0; i < count; i++) {
      const client = connect({ hub: `http://127.0.0.1:${port}`, userId: i, WebSocket: Recording });
      clients.push(client);
    }
    await Promise.all(clients.map((c) => waitForState(c, 'open', 30_000)));
    // When each client plans its first retry: when it saw the hub go, plus the delay it drew. (When
    // the retries then really start also depends on this process's event loop, which holds the hub
    // and all 1,000 clients on a loaded machine; real devices each have their own. Both are printed.)
    const planned: number[] = [];
    const stoppedAt = performance.now();
    for (const client of clients) {
      client.once('reconnecting', ({ delayMs }) => planned.push(performance.now() - stoppedAt + delayMs));
    }
    const retries = new Map<string, number>();
    firstRetry = retries;
    await hub.relay.stop();
    await waitFor(() => retries.size >= count, 'every client’s first retry', 15_000);
    const histogram = (times: number[]): Map<number, number> => {
      const buckets = new Map<number, number>();
      for (const ms of times) buckets.set(Math.floor(ms / 100), (buckets.get(Math.floor(ms / 100)) ?? 0) + 1);
      return buckets;
    };
    const show = (buckets: Map<number, number>): string =>
      [...buckets]
        .sort(([a], [b]) => a - b)
        .map(([bucket, n]) => `${bucket * 100}-${bucket * 100 + 99} ms: ${n}`)
        .join(', ');
    const plannedBuckets = histogram(planned);
    const actual = histogram([...retries.values()].map((t) => t - stoppedAt));
    console.log(`first retries of ${count} clients after the hub stopped, planned: ${show(plannedBuckets)}`);
    console.log(`  and as this process's event loop ran them: ${show(actual)}`);
    expect(planned).toHaveLength(count);
    expect(Math.max(...plannedBuckets.values())).toBeLessThanOrEqual(0.15 * count);
    expect(plannedBuckets.size).toBeGreaterThanOrEqual(8); // they really use the window (about ten 100 ms buckets)
    // And the hub, back, takes every one of them again.
    await hub.relay.start({ port });
    await Promise.all(clients.map((c) => waitForState(c, 'open', 30_000)));
    expect(hub.relay.stats().connected).toBe(count);
  }, 90_000);
});
