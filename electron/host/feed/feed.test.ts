import { afterEach, describe, expect, it } from 'vitest';
import type { HubConfig, HubStatus, HubUpdate } from '../../../shared/ipc';
import { createHubFeed, type HubFeed, type HubFeedOptions } from './feed';
import { settingsOf } from '../settings';
import { defaultRelayOptions } from '../../relay/core/options';
import { rawSocketOf } from '../../relay/core/clients/fanout';
import { Device, nextEvent, postJson, rawRequest, register, startHub, type TestHub } from '../../../test/support/relay';

/** Records every update and lets a test await one that matches. */
class Updates {
  readonly all: { at: number; update: HubUpdate }[] = [];
  readonly #waiters: { match: (u: HubUpdate) => boolean; resolve: (u: HubUpdate) => void }[] = [];

  constructor(feed: HubFeed) {
    feed.subscribe((update) => {
      this.all.push({ at: Date.now(), update });
      for (const waiter of [...this.#waiters]) {
        if (!waiter.match(update)) continue;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(update);
      }
    });
  }

  /** Resolves with the first update (from now on) that matches. */
  next(match: (u: HubUpdate) => boolean): Promise<HubUpdate> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Resolves with the first update received after the `since`-th one that matches, past or future. */
  find(since: number, match: (u: HubUpdate) => boolean): Promise<HubUpdate> {
    const seen = this.all.slice(since).find((entry) => match(entry.update));
    return seen ? Promise.resolve(seen.update) : this.next(match);
  }
}

let hub: TestHub | null = null;
let feed: HubFeed | null = null;
let devices: Device[] = [];

const running = (): HubStatus => ({ state: 'running', listen: hub?.relay.address() ?? null, error: null });

async function setup(
  options: Partial<HubFeedOptions> = {},
  relayOptions: Parameters<typeof startHub>[0] = {},
): Promise<{ hub: TestHub; feed: HubFeed; updates: Updates }> {
  hub = await startHub(relayOptions);
  feed = createHubFeed(hub.relay, { status: running, ...options });
  return { hub, feed, updates: new Updates(feed) };
}

afterEach(async () => {
  feed?.close();
  await Promise.all(devices.map((d) => d.close()));
  await hub?.relay.stop();
  hub = null;
  feed = null;
  devices = [];
});

describe('createHubFeed', () => {
  it('does no per-message work while no GUI listens, and logs publishes once one does', async () => {
    hub = await startHub();
    feed = createHubFeed(hub.relay, { status: running });
    const device = await Device.join(hub, 1);
    devices.push(device);
    for (let i = 0; i < 500; i++) await hub.relay.publish({ topic: 'cats', message: `quiet ${i}` });
    const log = feed.init().log;
    expect(log.map((entry) => entry.kind)).toEqual(['registered', 'connected']);
    const updates = new Updates(feed);
    await hub.relay.publish({ topic: 'cats', message: 'watched' });
    const update = await updates.next((u) => u.log.some((entry) => entry.kind === 'published'));
    expect(update.log.find((entry) => entry.kind === 'published')?.text).toContain('cats');
    // Rates restart when the GUI subscribes: the 500 unwatched deliveries are no spike.
    expect(update.deliveredPerSecond).toBeLessThan(100);
  });

  it('coalesces a burst of 1,000 publishes into a handful of updates', async () => {
    const { hub, updates } = await setup();
    const settled = updates.next((u) => u.stats.connected === 3);
    for (let user = 1; user <= 3; user++) devices.push(await Device.join(hub, user));
    await settled;
    const before = updates.all.length;
    const started = Date.now();
    const publishers = Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 100; i++) await postJson(hub.port, '/publish', { topic: 'cats', message: `m${i}` });
    });
    await Promise.all(publishers);
    await Promise.all(devices.map((d) => d.waitForMessages(100 * 10)));
    const elapsed = Date.now() - started;
    // Counters travel for the clients whose counters changed, at most once a second.
    const final = await updates.find(
      before,
      (u) => (u.counters ?? []).filter(([, messagesSent]) => messagesSent === 1000).length === 3,
    );
    const quiet = await updates.find(before, (u) => u.stats.delivered === 3000 && u.deliveredPerSecond === 0);
    const burst = updates.all.slice(before);

    expect(final.stats).toMatchObject({ published: 1000, delivered: 3000 });
    expect(quiet.stats.delivered).toBe(3000);
    // ≤ 10 updates per second of burst, plus the trailing counters and the rate dropping to 0.
    expect(burst.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 4);
    expect(burst.length).toBeLessThan(100);
    // Never more than 10 in any second. Timestamps are taken after each update is built, and a
    // build can take longer on a loaded machine: 10 intervals of 100 ms may look 200 ms shorter.
    for (let i = 10; i < burst.length; i++) {
      expect(burst[i]!.at - burst[i - 10]!.at).toBeGreaterThanOrEqual(800);
    }
    // Consecutive publishes merge into one log line per update; none is lost.
    const counted = burst
      .flatMap((b) => b.update.log)
      .filter((entry) => entry.kind === 'published')
      .map((entry) => Number(/^published (\d+) messages/.exec(entry.text)?.[1] ?? 1));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(burst.some((b) => b.update.deliveredPerSecond > 0)).toBe(true);
    const topic = burst.flatMap((b) => b.update.topics ?? []).findLast((t) => t.topic === 'cats');
    expect(topic).toMatchObject({ subscribers: 3, published: 1000 });
    const countersPushes = burst.filter((b) => b.update.counters !== undefined);
    for (let i = 1; i < countersPushes.length; i++) {
      expect(countersPushes[i]!.at - countersPushes[i - 1]!.at).toBeGreaterThanOrEqual(900);
    }
  });

  it('sends client deltas that match the hub, including a replaced connection', async () => {
    const { hub, updates } = await setup();
    const registered = updates.next((u) => (u.upserts ?? []).length > 0);
    const { id, url } = await register(hub.port, 7);
    const first = await registered;
    expect(first.upserts).toEqual([expect.objectContaining({ id, userId: 7, connected: false, topics: ['cats'] })]);
    expect(first.users).toEqual([{ userId: 7, clientIds: [id] }]);
    expect(first.log.at(-1)?.text).toBe(`user 7 registered ${id.slice(0, 8)}…`);

    const connected = updates.next((u) => u.upserts?.some((c) => c.connected) === true);
    const device = await Device.connect(url);
    devices.push(device);
    const c = await connected;
    expect(c.upserts?.[0]).toMatchObject({ id, connected: true });
    expect(c.upserts?.[0]?.remoteAddress).toContain('127.0.0.1');
    expect(
      c.log.some((e) => e.kind === 'connected' && e.text.startsWith(`user 7 connected ${id.slice(0, 8)}… from`)),
    ).toBe(true);

    const topics = updates.next((u) => u.upserts?.some((x) => x.topics.includes('dogs')) === true);
    await device.setTopics(hub, ['dogs', 'birds']);
    const t = await topics;
    expect(t.upserts?.[0]?.topics.sort()).toEqual(['birds', 'dogs']);
    expect(t.topics?.map((x) => x.topic).sort()).toEqual(['birds', 'dogs']);
    expect(t.topicsRemoved).toEqual(['cats']); // its only subscriber left it

    // A second socket on the same id replaces the first: the old one's `disconnected` arrives
    // for an id that is still connected, and the delta must say so.
    const replaced = updates.next((u) => u.log.some((e) => e.kind === 'disconnected'));
    const oldClosed = device.closed();
    const second = await Device.connect(url);
    devices.push(second);
    expect(await oldClosed).toBe(4001);
    const r = await replaced;
    expect(r.log.find((e) => e.kind === 'disconnected')?.text).toContain('(replaced, code 4001)');
    expect(r.upserts?.find((x) => x.id === id)?.connected).toBe(true);
    expect(r.stats.connected).toBe(1);

    const gone = updates.next((u) => (u.removed ?? []).length > 0);
    expect((await rawRequest(hub.port, 'DELETE', `/register/${id}`)).status).toBe(200);
    const g = await gone;
    expect(g.removed).toEqual([id]);
    expect(g.upserts).toBeUndefined();
    expect(g.users).toBeUndefined();
    expect(g.usersRemoved).toEqual([7]);
    expect(g.stats.registered).toBe(0);
  });

  it('merges a drop-policy firehose into one slow-consumer line per update', async () => {
    const { hub, updates } = await setup({}, { maxBufferedBytes: 64 * 1024, slowConsumerPolicy: 'drop' });
    const slow = await Device.join(hub, 1);
    devices.push(slow);
    rawSocketOf(slow.ws)?.pause(); // stops reading: the hub's backlog for it grows
    const message = 'x'.repeat(16 * 1024);
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    while (hub.relay.stats().droppedMessages < 100) {
      for (let i = 0; i < 8; i++) await hub.relay.publish({ topic: 'cats', message });
      await turn();
    }
    const dropped = hub.relay.stats().droppedMessages;
    const last = await updates.find(0, (u) => u.stats.droppedMessages === dropped);
    rawSocketOf(slow.ws)?.resume();
    const lines = updates.all.flatMap((entry) => entry.update.log).filter((e) => e.kind === 'slow-consumer');
    expect(lines.length).toBeLessThanOrEqual(updates.all.length);
    const counted = lines.map((e) => Number(/dropped (\d+) messages/.exec(e.text)?.[1] ?? 1));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(dropped);
    // The update that brought the total also carries the client's own count (as a change or in the full list).
    const shown = (last.upserts ?? []).find((c) => c.id === slow.id);
    expect(shown?.dropped).toBe(dropped);
  });

  it('keeps the log bounded with increasing sequence numbers', async () => {
    const { hub, feed, updates } = await setup({ logSize: 5 });
    const last = updates.next((u) => u.stats.registered === 12);
    for (let user = 0; user < 12; user++) hub.relay.register(user);
    const update = await last;
    expect(update.log.length).toBeLessThanOrEqual(5);
    const log = feed.init().log;
    expect(log.map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(log.at(-1)?.text).toMatch(/^user 11 registered [0-9a-f]{8}…$/);
  });

  it('gives a full picture in init() and pushes status changes on refresh()', async () => {
    let status: HubStatus = { state: 'running', listen: null, error: null };
    let config: HubConfig = {
      settings: { ...settingsOf(defaultRelayOptions), quitOnClose: false, checkForUpdates: false },
      persisted: true,
      dataDir: '/data',
      tokenFile: null,
      savedPayloads: [],
    };
    const { hub, feed, updates } = await setup({
      status: () => status,
      config: () => config,
    });
    const registered = nextEvent(hub.relay, 'registered');
    hub.relay.register(3);
    await registered;
    const init = feed.init();
    expect(init.clients).toHaveLength(1);
    expect(init.users).toEqual([{ userId: 3, clientIds: [init.clients[0]!.id] }]);
    expect(init.config).toEqual(config);
    expect(init.security).toEqual({ tokenRequired: false, originsRestricted: false, tls: false });
    expect(init.dashboard).toBeNull();
    expect(init.log.map((e) => e.kind)).toEqual(['registered']);

    await updates.next((u) => u.stats.registered === 1);
    status = { state: 'error', listen: null, error: { code: 'EADDRINUSE', message: 'port 8000 is in use' } };
    const changed = updates.next((u) => u.status.state === 'error');
    feed.refresh();
    const errored = await changed;
    expect(errored.status.error?.code).toBe('EADDRINUSE');
    expect(errored.config).toBeUndefined(); // settings travel only when they change

    config = { ...config, settings: { ...config.settings, maxTopics: 3 } };
    const reconfigured = updates.next((u) => u.config !== undefined);
    feed.refresh();
    expect((await reconfigured).config?.settings.maxTopics).toBe(3);

    // Saved payloads are told apart by identity (the host makes a new list on each change).
    const payload = { name: 'Lamp', topic: 'lamp', userId: '', message: 'on', mode: 'text', retain: false } as const;
    config = { ...config, savedPayloads: [payload] };
    const saved = updates.next((u) => u.config !== undefined);
    feed.refresh();
    expect((await saved).config?.savedPayloads).toEqual([payload]);

    // A token set on the relay (a command, SIGHUP) shows as soon as the feed refreshes.
    const locked = updates.next((u) => u.security.tokenRequired);
    hub.relay.setAccessToken('a-token-of-16-chars-or-more');
    feed.refresh();
    expect((await locked).security).toEqual({ tokenRequired: true, originsRestricted: false, tls: false });
  });

  it('stops pushing after close()', async () => {
    const { hub, feed, updates } = await setup();
    feed.close();
    const registered = nextEvent(hub.relay, 'registered');
    hub.relay.register(1);
    await registered;
    // A second feed still running proves the timer window has passed for both.
    const other = createHubFeed(hub.relay, { status: running });
    const seen = new Updates(other);
    const next = seen.next(() => true);
    hub.relay.register(2);
    await next;
    other.close();
    expect(updates.all).toHaveLength(0);
  });
});
