import { afterEach, describe, expect, it } from 'vitest';
import { bodyText } from '../../../shared/traffic';
import type { HubStatus, HubUpdate } from '../../../shared/ipc';
import type { MessageRecord } from '../../../shared/traffic';
import { createCommandHandler } from '../commands/commands';
import { createHubFeed, type FeedListener, type HubFeed, type HubFeedOptions } from './feed';
import { Device, nextEvent, postJson, register, startHub, type TestHub } from '../../../test/support/relay';

let hub: TestHub | null = null;
let feed: HubFeed | null = null;
let devices: Device[] = [];

afterEach(async () => {
  feed?.close();
  await Promise.all(devices.map((d) => d.close()));
  await hub?.relay.stop();
  hub = null;
  feed = null;
  devices = [];
});

/** A subscribed GUI: every update it got, and a way to await one. */
interface Gui {
  listener: FeedListener;
  updates: HubUpdate[];
  /** The first update, past or future, that matches. */
  find(match: (u: HubUpdate) => boolean): Promise<HubUpdate>;
  /** The first future update that matches. */
  next(match: (u: HubUpdate) => boolean): Promise<HubUpdate>;
  /** Every inspected message received so far. */
  messages(): MessageRecord[];
}

function gui(target: HubFeed): Gui {
  const updates: HubUpdate[] = [];
  const waiters: { match: (u: HubUpdate) => boolean; resolve: (u: HubUpdate) => void }[] = [];
  const listener: FeedListener = (update) => {
    updates.push(update);
    for (const waiter of [...waiters]) {
      if (!waiter.match(update)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(update);
    }
  };
  target.subscribe(listener);
  return {
    listener,
    updates,
    next: (match) => new Promise((resolve) => waiters.push({ match, resolve })),
    find: (match) => {
      const seen = updates.find(match);
      return seen === undefined ? new Promise((resolve) => waiters.push({ match, resolve })) : Promise.resolve(seen);
    },
    messages: () => updates.flatMap((u) => u.messages?.records ?? []),
  };
}

async function setup(options: Partial<HubFeedOptions> = {}): Promise<{ hub: TestHub; feed: HubFeed }> {
  hub = await startHub();
  const current = hub;
  const running = (): HubStatus => ({ state: 'running', listen: current.relay.address(), error: null });
  feed = createHubFeed(hub.relay, { status: running, intervalMs: 20, ...options });
  return { hub, feed };
}

describe('the message inspector', () => {
  it('carries bodies with their origin only to the GUI that watches, filtered by topic prefix, user and text', async () => {
    const { hub, feed } = await setup();
    const watcher = gui(feed);
    const bystander = gui(feed);
    const handle = createCommandHandler(hub.relay, feed);
    expect(await handle('watchMessages', { topic: 'kitchen/' }, { listener: watcher.listener })).toEqual({
      ok: true,
      value: { watching: true },
    });
    await postJson(hub.port, '/publish', { topic: 'kitchen/light', message: '{"on":true}', user_id: 4 });
    await postJson(hub.port, '/publish', { topic: 'garage', message: 'not this one' });
    await handle('publish', { topic: 'kitchen/oven', message: 'héllo' });
    await watcher.next(() => watcher.messages().length === 2);
    expect(watcher.messages()).toMatchObject([
      { topic: 'kitchen/light', userId: 4, origin: 'http', body: { text: '{"on":true}' }, bytes: 11, delivered: 0 },
      { topic: 'kitchen/oven', userId: null, origin: 'gui', body: { text: 'héllo' }, bytes: 6, truncated: false },
    ]);
    expect(bystander.messages()).toEqual([]);

    await handle('watchMessages', { userId: 9, text: 'ALARM' }, { listener: watcher.listener });
    void hub.relay.publish({ topic: 'a', message: 'alarm for 9', user_id: 9 });
    void hub.relay.publish({ topic: 'a', message: 'alarm for 8', user_id: 8 });
    void hub.relay.publish({ topic: 'a', message: 'quiet for 9', user_id: 9 });
    await watcher.next(() => watcher.messages().length === 3);
    expect(watcher.messages().at(-1)?.body).toEqual({ text: 'alarm for 9' });

    // Closed: no more messages, and a GUI that is not subscribed cannot watch.
    await handle('watchMessages', null, { listener: watcher.listener });
    void hub.relay.publish({ topic: 'a', message: 'alarm for 9 again', user_id: 9 });
    await watcher.next((u) => u.stats.published === 7);
    expect(watcher.messages()).toHaveLength(3);
    expect(await handle('watchMessages', {}, { listener: () => undefined })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(await handle('watchMessages', { user: 1 }, { listener: watcher.listener })).toMatchObject({
      ok: false,
      error: { code: 'invalid_body' },
    });
  });

  it('samples a firehose within its budget, says how much it skipped and the true rate', async () => {
    const { hub, feed } = await setup({ intervalMs: 100, tapBudget: { messages: 5, chars: 1024 } });
    const watcher = gui(feed);
    feed.watchMessages(watcher.listener, {});
    const started = Date.now();
    let sent = 0;
    // About 2,000 messages a second for 1.5 s, in bursts of 20 per event-loop turn.
    while (Date.now() - started < 1500) {
      for (let i = 0; i < 20; i++) void hub.relay.publish({ topic: 't', message: `m${sent++}` });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const rated = await watcher.find((u) => (u.messages?.matchedPerSecond ?? 0) > 0);
    const batches = watcher.updates.flatMap((u) => (u.messages === undefined ? [] : [u.messages]));
    for (const batch of batches) expect(batch.records.length).toBeLessThanOrEqual(5);
    const shown = batches.reduce((n, b) => n + b.records.length, 0);
    const skipped = batches.reduce((n, b) => n + b.skipped, 0);
    expect(shown + skipped).toBeLessThanOrEqual(sent);
    expect(skipped).toBeGreaterThan(shown);
    expect(rated.messages?.matchedPerSecond).toBeGreaterThan(500);
    expect(rated.messages?.shownPerSecond).toBeLessThanOrEqual(60);
    // Sequence numbers count every matching message: gaps show where sampling skipped.
    const seqs = watcher.messages().map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBeGreaterThan(seqs.length);
    // Long bodies arrive cut, marked, with their whole size.
    feed.watchMessages(watcher.listener, { topic: 'long' });
    // The firehose's last sample may still fill this update's budget (the filter keeps what was
    // taken): the long message is published again until an update has room for it.
    const isLong = (u: HubUpdate): boolean => u.messages?.records.some((r) => r.topic === 'long') === true;
    const arrived = watcher.next(isLong);
    let long: HubUpdate | null = null;
    for (let attempt = 0; attempt < 20 && long === null; attempt++) {
      void hub.relay.publish({ topic: 'long', message: 'x'.repeat(40_000) });
      long = await Promise.race([arrived, new Promise<null>((resolve) => setTimeout(() => resolve(null), 300))]);
    }
    if (long === null) throw new Error('no update carried the long message');
    const record = long.messages?.records.find((r) => r.topic === 'long');
    expect(record).toMatchObject({ bytes: 40_000, truncated: true });
    expect(bodyText(record?.body ?? { text: '' })?.length).toBe(16_384);
  });

  it('stops when its GUI unsubscribes', async () => {
    const { hub, feed } = await setup();
    const updates: HubUpdate[] = [];
    const listener: FeedListener = (u) => updates.push(u);
    const unsubscribe = feed.subscribe(listener);
    expect(feed.watchMessages(listener, {})).toBe(true);
    unsubscribe();
    expect(feed.watchMessages(listener, {})).toBe(false);
    const other = gui(feed);
    void hub.relay.publish({ topic: 'cats', message: 'after' });
    await other.next((u) => u.stats.published === 1);
    expect(updates.flatMap((u) => u.messages?.records ?? [])).toEqual([]);
  });
});

describe('updates that cost what changed', () => {
  it('sends nothing about 2,000 quiet clients when one of them changes', async () => {
    const { hub, feed } = await setup();
    const watcher = gui(feed);
    for (let user = 0; user < 2000; user++) hub.relay.register(user);
    await watcher.find((u) => u.stats.registered === 2000);
    const since = watcher.updates.length;
    const device = await Device.join(hub, 5000);
    devices.push(device);
    await watcher.find((u) => u.upserts?.some((c) => c.id === device.id && c.connected) === true);
    // Registering and connecting may land in one update or two: either way, only this client.
    const updates = watcher.updates.slice(since);
    for (const update of updates) {
      expect(update.upserts?.every((c) => c.id === device.id) ?? true).toBe(true);
      expect(update.counters).toBeUndefined();
      expect(JSON.stringify(update).length).toBeLessThan(3000);
    }
    expect(updates.flatMap((u) => u.users ?? [])).toEqual([{ userId: 5000, clientIds: [device.id] }]);
    const sizes = updates.map((u) => JSON.stringify(u).length);
    const snapshot = JSON.stringify(hub.relay.snapshot()).length;
    console.log(`feed: a device joining 2,000 clients: updates of ${sizes.join(' + ')} B (a snapshot: ${snapshot} B)`);
  });

  it('pushes the counters of the clients that received messages, at most once a second', async () => {
    const { hub, feed } = await setup({ countersIntervalMs: 300 });
    const watcher = gui(feed);
    const quiet = await Device.join(hub, 1);
    const busy = await Device.join(hub, 2);
    devices.push(quiet, busy);
    await busy.setTopics(hub, ['busy']);
    // (A client's upsert carries its counters too: let the topic change go first.)
    await watcher.find((u) => u.upserts?.some((c) => c.topics.includes('busy')) === true);
    for (let i = 0; i < 5; i++) void hub.relay.publish({ topic: 'busy', message: 'abc' });
    await busy.waitForMessages(5);
    const update = await watcher.find((u) => u.counters?.some(([id, sent]) => id === busy.id && sent === 5) === true);
    expect(update.counters).toEqual([[busy.id, 5, 25, 0, 0]]); // the quiet client is not in it
    const pushes = watcher.updates.filter((u) => u.counters !== undefined);
    expect(pushes.length).toBeLessThanOrEqual(2);
  });
  it('spreads a counters scan that names many clients over the next updates, at most so many each', async () => {
    const { hub, feed } = await setup({ countersIntervalMs: 300, countersPerUpdate: 2 });
    const watcher = gui(feed);
    const joined = await Promise.all(Array.from({ length: 5 }, (_, i) => Device.join(hub, i + 1)));
    devices.push(...joined);
    // Each device's new topics reach the GUI as an upsert, which carries its counters too: the
    // publishes wait for them (an upsert sent after the publishes would leave the counters pushes
    // nothing to name). `from`: the GUI's updates before the one that can carry it.
    const from = new Map<string, number>();
    await Promise.all(
      joined.map(async (device) => {
        await device.setTopics(hub, ['cats']);
        from.set(device.id, watcher.updates.length);
      }),
    );
    await watcher.find((u) => u.stats.connected === 5 && hub.relay.topics()[0]?.subscribers === 5);
    const told = new Set<string>();
    await watcher.find((u) => {
      const index = watcher.updates.indexOf(u);
      for (const client of u.upserts ?? []) if (index >= (from.get(client.id) ?? Infinity)) told.add(client.id);
      return joined.every((device) => told.has(device.id));
    });
    const since = watcher.updates.length;
    for (let i = 0; i < 3; i++) void hub.relay.publish({ topic: 'cats', message: 'abc' });
    await Promise.all(joined.map((device) => device.waitForMessages(3)));
    const latest = new Map<string, number>();
    await watcher.find((u) => {
      for (const [id, sent] of u.counters ?? []) latest.set(id, sent);
      return joined.every((device) => latest.get(device.id) === 3);
    });
    const pushes = watcher.updates.slice(since).filter((u) => u.counters !== undefined);
    expect(pushes.every((u) => (u.counters?.length ?? 0) <= 2)).toBe(true);
    expect(pushes.length).toBeGreaterThanOrEqual(3); // five clients, two per update
  });
});

describe('the client detail', () => {
  it('keeps each registration’s last disconnects with reason and code, and forgets them on unregister', async () => {
    const { hub, feed } = await setup();
    const handle = createCommandHandler(hub.relay, feed);
    const { id, url } = await register(hub.port, 3);
    for (let i = 0; i < 12; i++) {
      const device = await Device.connect(url);
      const closed = nextEvent(hub.relay, 'disconnected');
      device.ws.close(4100 + i, 'bye');
      await closed;
    }
    const replacedDevice = await Device.connect(url);
    const replaced = nextEvent(hub.relay, 'disconnected', (e) => e.reason === 'replaced');
    devices.push(replacedDevice, await Device.connect(url));
    await replaced;
    const detail = await handle('clientDetail', { id });
    expect(detail.ok).toBe(true);
    if (!detail.ok || !('disconnects' in detail.value)) return;
    expect(detail.value.client).toMatchObject({ id, userId: 3, connected: true });
    expect(detail.value.disconnects).toHaveLength(10);
    expect(detail.value.disconnects[0]).toMatchObject({ reason: 'replaced', code: 4001 });
    expect(detail.value.disconnects[1]).toMatchObject({ reason: 'client_closed', code: 4111 });
    expect(detail.value.disconnects.at(-1)).toMatchObject({ code: 4103 });

    hub.relay.unregister(id);
    expect(await handle('clientDetail', { id })).toMatchObject({ ok: false, error: { code: 'unknown_client' } });
    expect(feed.clientDetail(id)).toBeNull();
  });
});
