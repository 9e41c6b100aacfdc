/**
 * The HTTP streams door: `/sse` and `/stream` with envelope events, binary byte-exact through
 * base64 (read by a real `curl -N`), resume from the last event's id (Last-Event-ID or since=)
 * through the history, `recovered: false` when the history cannot cover, access, heartbeats and
 * the operator's client list.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateKeyResponse } from '../../shared/keys';
import { postJson, rawRequest, startHub, type TestHub } from '../support/relay';
import { waitFor } from '../support/sdk';
import { StreamReader } from '../support/stream';

let hub: TestHub | null = null;
const readers: StreamReader[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  await hub?.relay.stop();
  hub = null;
});

const open = (path: string, headers: Record<string, string> = {}): StreamReader => {
  const reader = new StreamReader((hub as TestHub).port, path, headers);
  readers.push(reader);
  return reader;
};

const publish = async (topic: string, message: string, extra: Record<string, unknown> = {}): Promise<void> => {
  const res = await postJson((hub as TestHub).port, '/publish', { topic, message, ...extra });
  expect(res.status).toBe(200);
};

describe('GET /stream', () => {
  it('streams envelopes to curl -N, binary messages byte-exact as base64', async () => {
    hub = await startHub();
    const curl = spawn('curl', ['-sN', `${hub.base}/stream?topic=bin&topic=text`]);
    const lines: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    createInterface({ input: curl.stdout }).on('line', (line) => {
      if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    });
    const until = async (match: () => boolean): Promise<void> => {
      while (!match()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    try {
      await until(() => lines.some((line) => 'subscribed' in line));
      const bytes = randomBytes(4096);
      const res = await rawRequest(hub.port, 'POST', '/publish?topic=bin', bytes, {
        'content-type': 'application/octet-stream',
      });
      expect(res.status).toBe(200);
      await publish('text', 'héllo\nworld');
      // A message after the multi-byte one: the chunk framing (length in bytes) kept the stream whole.
      await publish('text', 'après ✓');
      await until(() => lines.length >= 4);
      const [binary, text, after] = lines.slice(1);
      expect(after).toMatchObject({ topic: 'text', message: 'après ✓', offset: 2 });
      expect(binary).toMatchObject({ topic: 'bin', encoding: 'base64', offset: 1 });
      expect(Buffer.from(binary?.message as string, 'base64').equals(bytes)).toBe(true);
      expect(text).toMatchObject({ topic: 'text', message: 'héllo\nworld', offset: 1 });
      expect(typeof text?.epoch).toBe('string');
      expect(typeof text?.id).toBe('string');
    } finally {
      curl.kill();
    }
  });
});

describe('GET /sse', () => {
  it('resumes from Last-Event-ID with what was missed in every topic, once each, then goes live', async () => {
    hub = await startHub();
    const first = open('/sse?topic=a&topic=b');
    await first.event('subscribed');
    await publish('a', 'a1');
    await publish('b', 'b1');
    await first.until((r) => r.messages().length === 2);
    const lastId = first.lastId() as string;
    first.close();
    await publish('a', 'a2');
    await publish('b', 'b2');
    await publish('a', 'only for user 5', { user_id: 5 });
    await publish('a', 'a3');
    const again = open('/sse?topic=a&topic=b', { 'last-event-id': lastId });
    await again.event('subscribed');
    await publish('a', 'a4');
    await again.until((r) => r.messages().length === 4);
    // Replayed topic by topic (order holds per topic), then live.
    expect(again.messages().map((m) => m.message)).toEqual(['a2', 'a3', 'b2', 'a4']);
    const recovery = JSON.parse(again.events.find((e) => e.event === 'recovery')?.data ?? '{}') as {
      recovered: boolean;
    };
    expect(recovery.recovered).toBe(true);
  });

  it('resumes from the id of the subscribed event alone, for a topic that had no message yet', async () => {
    hub = await startHub();
    const first = open('/sse?topic=fresh');
    await first.event('subscribed');
    const id = first.lastId() as string;
    first.close();
    await publish('fresh', 'f1');
    await publish('fresh', 'f2');
    const again = open(`/sse?topic=fresh&since=${id}`);
    await again.event('subscribed');
    expect(again.messages().map((m) => m.message)).toEqual(['f1', 'f2']);
  });

  it('resumes a filter stream with the missed messages of every matching topic, new topics included', async () => {
    hub = await startHub();
    const first = open('/sse?filter=home/%23');
    await first.event('subscribed');
    await publish('home/a', 'a1');
    await first.until((r) => r.messages().length === 1);
    const lastId = first.lastId() as string;
    first.close();
    await publish('home/a', 'a2');
    await publish('home/b', 'b1'); // a topic born while the stream was away
    await publish('garden', 'not matching');
    const again = open('/sse?filter=home/%23', { 'last-event-id': lastId });
    await again.event('subscribed');
    expect(again.messages().map((m) => `${String(m.topic)}:${String(m.message)}`)).toEqual(['home/a:a2', 'home/b:b1']);
  });

  it('says recovered: false when the history no longer covers the gap', async () => {
    hub = await startHub({ historySize: 2 });
    const first = open('/stream?topic=a');
    await first.event('subscribed');
    const id = first.lastId() as string;
    first.close();
    for (let i = 1; i <= 5; i++) await publish('a', `m${i}`);
    const again = open(`/stream?topic=a&since=${id}`);
    await again.event('subscribed');
    const recovery = JSON.parse(again.events.find((e) => e.event === 'recovery')?.data ?? '{}') as {
      recovery: { recovered: boolean; topics: Record<string, { recovered: boolean; offset: number }> };
    };
    expect(recovery.recovery.recovered).toBe(false);
    expect(recovery.recovery.topics.a).toMatchObject({ recovered: false, offset: 5 });
  });

  it('sends the retained message first, marked retained, unless retained=false; filters match by level', async () => {
    hub = await startHub();
    await publish('home/kitchen/temp', '21', { retain: true });
    const withRetained = open('/sse?filter=home/%2B/temp');
    const without = open('/sse?filter=home/%23&retained=false');
    await withRetained.event('subscribed');
    await without.event('subscribed');
    await publish('home/hall/temp', '19');
    await publish('garden/temp', 'no');
    await withRetained.until((r) => r.messages().length === 2);
    await without.until((r) => r.messages().length === 1);
    expect(withRetained.messages().map((m) => [m.message, m.retained ?? false])).toEqual([
      ['21', true],
      ['19', false],
    ]);
    expect(without.messages().map((m) => m.message)).toEqual(['19']);
  });

  it('beats every streamHeartbeatMs', async () => {
    hub = await startHub({ streamHeartbeatMs: 20 });
    const sse = open('/sse?topic=a');
    const ndjson = open('/stream?topic=a');
    await sse.until((r) => r.heartbeats >= 2);
    await ndjson.until((r) => r.heartbeats >= 2);
  });

  it('refuses bad queries with a 4xx and a stable code', async () => {
    hub = await startHub();
    const cases: [string, string, number, string][] = [
      ['GET', '/sse', 400, 'invalid_topics'],
      ['GET', '/sse?filter=a/%23/b', 400, 'invalid_topics'],
      ['GET', '/sse?topic=a&since=!!', 400, 'invalid_query'],
      ['GET', '/stream?topic=a&since=bm90IGpzb24', 400, 'invalid_query'],
      ['GET', '/stream?topic=a&user_id=x', 400, 'invalid_query'],
      ['GET', '/stream?topic=a&retained=maybe', 400, 'invalid_query'],
      ['POST', '/sse?topic=a', 405, 'method_not_allowed'],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await rawRequest(hub.port, method, path);
      expect([path, res.status, (res.json as { error: { code: string } }).error.code]).toEqual([path, status, code]);
    }
    const preflight = await rawRequest(hub.port, 'OPTIONS', '/sse');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('access to the streams', () => {
  const token = 'stream-access-token-0123456789';

  it('takes the token as a header or ?token=, and a device key within its scope and users only', async () => {
    hub = await startHub({ accessToken: token });
    expect((await rawRequest(hub.port, 'GET', '/sse?topic=a')).status).toBe(401);
    expect((await rawRequest(hub.port, 'GET', '/sse?topic=a&token=wrong-token-0123456789')).status).toBe(401);
    const byQuery = open(`/sse?topic=a&token=${token}`);
    await byQuery.event('subscribed');
    expect(byQuery.status).toBe(200);
    const created = await rawRequest(
      hub.port,
      'POST',
      '/keys',
      JSON.stringify({ name: 'reader', users: [7], subscribe: ['s/*'], publish: [] }),
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    );
    const secret = (created.json as { secret: string }).secret;
    expect((await rawRequest(hub.port, 'GET', `/sse?topic=x&token=${secret}`)).status).toBe(403);
    expect((await rawRequest(hub.port, 'GET', `/sse?topic=s/1&user_id=8&token=${secret}`)).status).toBe(403);
    const keyed = open('/stream?filter=%23&user_id=7', { authorization: `Bearer ${secret}` });
    await keyed.event('subscribed');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (const [topic, message] of [
      ['x', 'not in scope'],
      ['s/1', 'in scope'],
    ]) {
      await rawRequest(hub.port, 'POST', '/publish', JSON.stringify({ topic, message }), auth);
    }
    await rawRequest(
      hub.port,
      'POST',
      '/publish',
      JSON.stringify({ topic: 's/2', message: 'for 7', user_id: 7 }),
      auth,
    );
    await keyed.until((r) => r.messages().length === 2);
    expect(keyed.messages().map((m) => m.message)).toEqual(['in scope', 'for 7']);
  });
});

describe('a revoked key', () => {
  it('ends the streams opened with it at the next heartbeat', async () => {
    const token = 'stream-revoke-token-0123456789';
    hub = await startHub({ accessToken: token, streamHeartbeatMs: 20 });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'gone', users: [1], subscribe: ['*'], publish: [] });
    const created = (await rawRequest(hub.port, 'POST', '/keys', body, auth)).json as CreateKeyResponse;
    const stream = open(`/sse?topic=a&token=${created.secret}`);
    await stream.event('subscribed');
    expect((await rawRequest(hub.port, 'DELETE', `/keys/${created.key.id}`, undefined, auth)).status).toBe(200);
    await stream.until((r) => r.ended);
    expect(hub.relay.snapshot().clients).toEqual([]);
  });
});

describe('streams as clients', () => {
  it('are listed for the operator with their protocol and topics, and an unregister ends them', async () => {
    hub = await startHub();
    const sse = open('/sse?topic=a&filter=b/%23');
    const ndjson = open('/stream?topic=c');
    await sse.event('subscribed');
    await ndjson.event('subscribed');
    const clients = hub.relay.snapshot().clients;
    expect(clients.map((c) => [c.protocol, c.topics, c.filters ?? []]).sort()).toEqual([
      ['ndjson', ['c'], []],
      ['sse', ['a'], ['b/#']],
    ]);
    expect(hub.relay.stats().connected).toBe(2);
    // Their counters reach the GUI's once-a-second scan, as a device's do.
    await publish('c', 'one');
    await ndjson.until((r) => r.messages().length === 1);
    const counters = new Map<string, number>();
    hub.relay.visitCounters((id, messagesSent) => counters.set(id, messagesSent));
    expect([...counters.values()].sort()).toEqual([0, 1]);
    const id = clients.find((c) => c.protocol === 'sse')?.id as string;
    expect(hub.relay.unregister(id)).toBe(true);
    await sse.until((r) => r.ended);
    expect(hub.relay.snapshot().clients.map((c) => c.protocol)).toEqual(['ndjson']);
  });
});

describe('a stream that does not read', () => {
  /** Opens `/stream?topic=big` on a raw socket that never reads. */
  async function stalledStream(port: number): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /stream?topic=big HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause();
    return socket;
  }

  for (const policy of ['close', 'drop'] as const) {
    it(`meets the slow-consumer policy "${policy}" once its backlog passes maxBufferedBytes`, async () => {
      hub = await startHub({ maxBufferedBytes: 256 * 1024, slowConsumerPolicy: policy });
      const socket = await stalledStream(hub.port);
      try {
        const h = hub;
        await waitFor(() => h.relay.snapshot().clients.length === 1, 'the stream listed');
        const message = 'x'.repeat(32 * 1024);
        for (let i = 0; i < 400; i++) {
          await h.relay.publish({ topic: 'big', message });
          if (h.relay.stats().slowConsumerCloses + h.relay.stats().droppedMessages > 0 && i % 50 === 0) break;
        }
        const stats = h.relay.stats();
        if (policy === 'close') {
          expect(stats.slowConsumerCloses).toBe(1);
          await waitFor(() => h.relay.snapshot().clients.length === 0, 'the stream ended');
        } else {
          expect(stats.droppedMessages).toBeGreaterThan(0);
          expect(h.relay.snapshot().clients[0]?.dropped).toBeGreaterThan(0);
        }
      } finally {
        socket.destroy();
      }
    });
  }
});
