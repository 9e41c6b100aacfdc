/**
 * History, recovery and retained messages on real sockets (the memory engine: no data dir; the
 * disk engine has its own file): offsets and epochs, recovery with `since`, each eviction bound,
 * `GET /history`, and retained messages for raw and envelope devices alike.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse, PublishReceipt } from '../../shared/api';
import type { RelayOptions } from '../../electron/relay/index';
import { Device, postJson, rawRequest, register, startHub, type TestHub } from '../support/relay';

const hubs: TestHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.relay.stop();
});

async function hubWith(options: Partial<RelayOptions> = {}): Promise<TestHub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}

async function publish(hub: TestHub, body: Record<string, unknown>): Promise<PublishReceipt> {
  const res = await postJson(hub.port, '/publish', body);
  expect(res.status, res.text).toBe(200);
  return res.json as PublishReceipt;
}

/** A device in envelope mode subscribed to `topics` (its frames parsed). */
async function envelopeDevice(hub: TestHub, userId: number, id?: string): Promise<Device & { id: string }> {
  const registration =
    id === undefined ? await register(hub.port, userId) : { id, url: `ws://127.0.0.1:${hub.port}/ws/${id}` };
  return Object.assign(await Device.connect(`${registration.url}?format=envelope`), { id: registration.id });
}

const frames = (device: Device): Record<string, unknown>[] =>
  device.messages.map((text) => JSON.parse(text) as Record<string, unknown>);

/** Sends a topics frame with `since` and waits for the recovery frame; returns every frame from then on. */
async function resubscribe(
  device: Device,
  topics: string[],
  since: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const from = device.messages.length;
  device.send(JSON.stringify({ topics, since }));
  await waitUntil(() =>
    frames(device)
      .slice(from)
      .some((f) => 'recovery' in f),
  );
  return frames(device).slice(from);
}

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('offsets and epochs', () => {
  it('number each topic’s messages from 1 under an epoch of its own, in receipts and envelopes', async () => {
    const hub = await hubWith();
    const device = await envelopeDevice(hub, 1);
    const first = await publish(hub, { topic: 'cats', message: 'a' });
    const second = await publish(hub, { topic: 'cats', message: 'b' });
    const other = await publish(hub, { topic: 'dogs', message: 'c' });
    expect(first).toEqual({ delivered: 1, offset: 1, epoch: expect.stringMatching(/^[\w-]{12}$/) as string });
    expect(second).toEqual({ delivered: 1, offset: 2, epoch: first.epoch });
    expect(other).toMatchObject({ delivered: 0, offset: 1 });
    expect(other.epoch).not.toBe(first.epoch);
    await device.waitForMessages(2);
    expect(frames(device).map((f) => [f.offset, f.epoch])).toEqual([
      [1, first.epoch],
      [2, first.epoch],
    ]);
  });

  it('start again under a new epoch when a hub without a data dir restarts: old offsets are void', async () => {
    const hub = await hubWith();
    const { epoch } = await publish(hub, { topic: 'cats', message: 'a' });
    const again = await hubWith();
    const device = await envelopeDevice(again, 1);
    const got = await resubscribe(device, ['cats'], { cats: { offset: 1, epoch } });
    expect(got.at(-1)).toEqual({
      recovery: { cats: { recovered: false, offset: 0, epoch: expect.any(String) as string } },
    });
    expect((got.at(-1)?.recovery as { cats: { epoch: string } }).cats.epoch).not.toBe(epoch);
  });
});

describe('recovery', () => {
  it('sends what was missed, in order, then the recovery frame, then live messages', async () => {
    const hub = await hubWith();
    const device = await envelopeDevice(hub, 1);
    await device.setTopics(hub, ['a', 'b']);
    const { epoch } = await publish(hub, { topic: 'a', message: 'a1' });
    await device.waitForMessages(1);
    await device.close();
    for (const message of ['a2', 'a3']) await publish(hub, { topic: 'a', message });
    const b = await publish(hub, { topic: 'b', message: 'b1' });
    const back = await envelopeDevice(hub, 1, device.id);
    const got = await resubscribe(back, ['a', 'b'], { a: { offset: 1, epoch }, b: { offset: 0, epoch: b.epoch } });
    expect(got.map((f) => f.message ?? f.recovery)).toEqual([
      'a2',
      'a3',
      'b1',
      { a: { recovered: true, offset: 3, epoch }, b: { recovered: true, offset: 1, epoch: b.epoch } },
    ]);
    await publish(hub, { topic: 'a', message: 'a4' });
    await back.waitForMessages(got.length + 1);
    expect(frames(back).at(-1)).toMatchObject({ topic: 'a', message: 'a4', offset: 4 });
  });

  it('replays only the messages that were for this device: for everyone, or for its user', async () => {
    const hub = await hubWith();
    const { epoch } = await publish(hub, { topic: 'cats', message: 'start' });
    await publish(hub, { topic: 'cats', message: 'for 7', user_id: 7 });
    await publish(hub, { topic: 'cats', message: 'for 8', user_id: 8 });
    await publish(hub, { topic: 'cats', message: 'for all' });
    const device = await envelopeDevice(hub, 7);
    const got = await resubscribe(device, ['cats'], { cats: { offset: 1, epoch } });
    expect(got.map((f) => f.message ?? f.recovery)).toEqual([
      'for 7',
      'for all',
      { cats: { recovered: true, offset: 4, epoch } },
    ]);
    expect(got[0]).toMatchObject({ user_id: 7, offset: 2 });
  });

  it('says recovered: false when the count bound evicted part of the gap, and goes on live', async () => {
    const hub = await hubWith({ historySize: 3 });
    const { epoch } = await publish(hub, { topic: 'cats', message: 'm1' });
    for (let i = 2; i <= 6; i++) await publish(hub, { topic: 'cats', message: `m${i}` });
    const device = await envelopeDevice(hub, 1);
    const got = await resubscribe(device, ['cats'], { cats: { offset: 1, epoch } });
    expect(got).toEqual([{ recovery: { cats: { recovered: false, offset: 6, epoch } } }]);
    // The three kept are still recoverable from just before them.
    const kept = await resubscribe(device, ['cats'], { cats: { offset: 3, epoch } });
    expect(kept.map((f) => f.message ?? 'recovery')).toEqual(['m4', 'm5', 'm6', 'recovery']);
    await publish(hub, { topic: 'cats', message: 'm7' });
    await device.waitForMessages(device.messages.length + 1);
    expect(frames(device).at(-1)).toMatchObject({ message: 'm7', offset: 7 });
  });

  it('evicts by age in the background, and then cannot recover', async () => {
    const hub = await hubWith({ historyTtlMs: 100 });
    const { epoch } = await publish(hub, { topic: 'cats', message: 'old' });
    expect(hub.relay.history('cats')?.messages).toHaveLength(1);
    await waitUntil(() => hub.relay.history('cats')?.messages.length === 0, 5_000);
    const device = await envelopeDevice(hub, 1);
    const got = await resubscribe(device, ['cats'], { cats: { offset: 0, epoch } });
    expect(got).toEqual([{ recovery: { cats: { recovered: false, offset: 1, epoch } } }]);
  });

  it('keeps to the byte budget across topics, evicting the oldest first', async () => {
    // Each message counts its bytes, its topic's and 64 of overhead: 100 + 1 + 64 = 165.
    const hub = await hubWith({ historyMaxBytes: 3 * 165 });
    for (const topic of ['a', 'b', 'a', 'c']) await publish(hub, { topic, message: 'x'.repeat(100) });
    expect(hub.relay.history('a')?.messages.map((m) => m.offset)).toEqual([2]);
    expect(hub.relay.history('b')?.messages).toHaveLength(1);
    expect(hub.relay.history('c')?.messages).toHaveLength(1);
    await publish(hub, { topic: 'c', message: 'x'.repeat(100) });
    expect(hub.relay.history('b')?.messages).toHaveLength(0);
  });

  it('cannot recover after the operator cleared the history; the epoch stays', async () => {
    const hub = await hubWith();
    const { epoch } = await publish(hub, { topic: 'cats', message: 'a' });
    await publish(hub, { topic: 'cats', message: 'b' });
    expect(hub.relay.clearHistory('cats')).toBe(2);
    const device = await envelopeDevice(hub, 1);
    const got = await resubscribe(device, ['cats'], { cats: { offset: 1, epoch } });
    expect(got).toEqual([{ recovery: { cats: { recovered: false, offset: 2, epoch } } }]);
  });

  it('needs envelopes: since on a raw connection gets bad_frame', async () => {
    const hub = await hubWith();
    const device = await Device.join(hub, 1);
    device.send(JSON.stringify({ topics: ['cats'], since: { cats: { offset: 0, epoch: 'x' } } }));
    await device.waitForMessages(1);
    expect(frames(device)[0]).toMatchObject({ error: { code: 'bad_frame' } });
  });
});

describe('retained messages', () => {
  it('reach a raw tutorial device as an ordinary frame when it subscribes, and an envelope device marked retained', async () => {
    const hub = await hubWith();
    await publish(hub, { topic: 'status', message: 'on', retain: true });
    await publish(hub, { topic: 'status', message: 'not retained' });
    const tutorial = await Device.join(hub, 1);
    tutorial.send(JSON.stringify({ topics: ['status'] }));
    await tutorial.waitForMessages(1);
    expect(tutorial.messages).toEqual(['on']);
    const device = await envelopeDevice(hub, 2);
    device.send(JSON.stringify({ topics: ['status'] }));
    await device.waitForMessages(1);
    expect(frames(device)).toEqual([
      {
        topic: 'status',
        message: 'on',
        ts: expect.any(Number) as number,
        offset: 1,
        epoch: expect.any(String) as string,
        retained: true,
      },
    ]);
  });

  it('are cleared by an empty retained publish, by DELETE /retained/<topic>, and by the relay (the GUI)', async () => {
    const hub = await hubWith();
    const subscribeGets = async (): Promise<string[]> => {
      const device = await Device.join(hub, 1);
      device.send(JSON.stringify({ topics: ['t'] }));
      device.send(JSON.stringify({ ping: 'done' }));
      await device.waitForMessages(1);
      await waitUntil(() => device.messages.some((m) => m.includes('"pong"')));
      await device.close();
      return device.messages.filter((m) => !m.includes('"pong"'));
    };
    await publish(hub, { topic: 't', message: 'v1', retain: true });
    expect(await subscribeGets()).toEqual(['v1']);
    await publish(hub, { topic: 't', message: '', retain: true });
    expect(await subscribeGets()).toEqual([]);
    await publish(hub, { topic: 't', message: 'v2', retain: true });
    const removed = await rawRequest(hub.port, 'DELETE', '/retained/t');
    expect(removed.json).toEqual({ topic: 't', removed: true });
    expect((await rawRequest(hub.port, 'DELETE', '/retained/t')).json).toEqual({ topic: 't', removed: false });
    expect(await subscribeGets()).toEqual([]);
    await publish(hub, { topic: 't', message: 'v3', retain: true });
    expect(hub.relay.clearRetained('t')).toBe(true);
    expect(await subscribeGets()).toEqual([]);
  });

  it('refuse a retain that is not a boolean', async () => {
    const hub = await hubWith();
    const res = await postJson(hub.port, '/publish', { topic: 't', message: 'x', retain: 'yes' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'invalid_body' } });
  });
});

describe('GET /history/<topic>', () => {
  it('answers messages after since, oldest first, limited, and whether any is missing', async () => {
    const hub = await hubWith({ historySize: 4 });
    for (let i = 1; i <= 6; i++)
      await publish(hub, { topic: 'a/b', message: `m${i}`, ...(i === 5 ? { user_id: 3 } : {}) });
    const all = (await rawRequest(hub.port, 'GET', '/history/a%2Fb')).json as HistoryResponse;
    expect(all).toMatchObject({ topic: 'a/b', offset: 6, complete: false });
    expect(all.messages.map((m) => m.offset)).toEqual([3, 4, 5, 6]);
    expect(all.messages[2]).toEqual({ offset: 5, ts: expect.any(Number) as number, message: 'm5', user_id: 3 });
    const some = (await rawRequest(hub.port, 'GET', '/history/a%2Fb?since=3&limit=2')).json as HistoryResponse;
    expect(some.messages.map((m) => m.message)).toEqual(['m4', 'm5']);
    expect(some.complete).toBe(false); // cut by the limit
    expect(((await rawRequest(hub.port, 'GET', '/history/a%2Fb?since=4')).json as HistoryResponse).complete).toBe(true);
    expect((await rawRequest(hub.port, 'GET', '/history/nothing')).status).toBe(404);
    for (const query of ['since=-1', 'since=x', 'limit=0', 'limit=1001']) {
      const bad = await rawRequest(hub.port, 'GET', `/history/a%2Fb?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.json).toMatchObject({ error: { code: 'invalid_query' } });
    }
  });

  it('needs the access token when one is set, as does DELETE /retained', async () => {
    const token = 'history-token-0123456789';
    const hub = await hubWith({ accessToken: token });
    const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await rawRequest(hub.port, 'POST', '/publish', JSON.stringify({ topic: 't', message: 'x', retain: true }), bearer);
    expect((await rawRequest(hub.port, 'GET', '/history/t')).status).toBe(401);
    expect((await rawRequest(hub.port, 'DELETE', '/retained/t')).status).toBe(401);
    expect((await rawRequest(hub.port, 'GET', '/history/t', undefined, bearer)).status).toBe(200);
    expect((await rawRequest(hub.port, 'DELETE', '/retained/t', undefined, bearer)).json).toEqual({
      topic: 't',
      removed: true,
    });
  });
});

describe('metrics', () => {
  it('count the history, retained messages and the log on disk', async () => {
    const hub = await hubWith({ dataDir: mkdtempSync(join(tmpdir(), 'relay-hub-history-metrics-')), fsync: true });
    await publish(hub, { topic: 'a', message: 'x' });
    await publish(hub, { topic: 'b', message: 'y', retain: true });
    const text = (await rawRequest(hub.port, 'GET', '/metrics')).text;
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('relay_hub_history_messages')).toBe(2);
    expect(value('relay_hub_history_bytes')).toBe(2 * (1 + 1 + 64));
    expect(value('relay_hub_retained_messages')).toBe(1);
    expect(value('relay_hub_history_disk_bytes')).toBeGreaterThan(0);
    expect(value('relay_hub_history_fsyncs_total')).toBe(2);
  });
});
