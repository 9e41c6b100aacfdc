import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientInfo, UserInfo } from '../../../shared/hub';
import type { HubInit, HubStatus, HubUpdate } from '../../../shared/ipc';
import { createHubFeed, type HubFeed } from './feed';
import { Device, register, startHub, type TestHub } from '../../../test/support/relay';

/**
 * What a GUI makes of its init answer and the pushes after it, applied in arrival order as the
 * renderer does; like the renderer, it asks for each next page in a later task (unless `asking` is off).
 */
class Gui {
  constructor(
    readonly feed: HubFeed,
    public asking = true,
  ) {}

  readonly clients = new Map<string, ClientInfo>();
  readonly users = new Map<number, UserInfo>();
  /** Ids of the pages received, in order (of any snapshot). */
  readonly pages: number[] = [];
  /** How many clients each page held, in order. */
  readonly pageSizes: number[] = [];
  paging: number | null = null;
  done = false;
  readonly listener = (update: HubUpdate): void => {
    const page = update.clientPage;
    if (page !== undefined) {
      this.pages.push(page.id);
      this.pageSizes.push(page.clients.length);
      if (page.id !== this.paging) return;
      for (const client of page.clients) this.clients.set(client.id, client);
      for (const user of page.users ?? []) this.users.set(user.userId, user);
      if (page.last) this.done = true;
      else this.ask(page.id);
    }
    for (const client of update.upserts ?? []) this.clients.set(client.id, client);
    for (const id of update.removed ?? []) this.clients.delete(id);
    for (const user of update.users ?? []) this.users.set(user.userId, user);
    for (const userId of update.usersRemoved ?? []) this.users.delete(userId);
    for (const [id, messagesSent, bytesSent, bufferedBytes, dropped] of update.counters ?? []) {
      const client = this.clients.get(id);
      if (client !== undefined) Object.assign(client, { messagesSent, bytesSent, bufferedBytes, dropped });
    }
  };

  start(init: HubInit): void {
    this.clients.clear();
    for (const client of init.clients) this.clients.set(client.id, client);
    this.users.clear();
    for (const user of init.users) this.users.set(user.userId, user);
    this.paging = init.clientPages?.id ?? null;
    this.done = init.clientPages === undefined;
    if (init.clientPages !== undefined) this.ask(init.clientPages.id);
  }

  ask(id: number): void {
    if (this.asking) setImmediate(() => this.feed.nextClientPage(this.listener, id));
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const byId = (clients: Iterable<ClientInfo>): Record<string, ClientInfo> =>
  Object.fromEntries([...clients].map((client) => [client.id, client]));

let hub: TestHub | null = null;
let feed: HubFeed | null = null;
const devices: Device[] = [];

async function setup(): Promise<{ hub: TestHub; feed: HubFeed }> {
  hub = await startHub();
  const status = (): HubStatus => ({ state: 'running', listen: hub?.relay.address() ?? null, error: null });
  feed = createHubFeed(hub.relay, { status, intervalMs: 10, clientPageSize: 100 });
  return { hub, feed };
}

afterEach(async () => {
  feed?.close();
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await hub?.relay.stop();
  hub = null;
  feed = null;
});

describe('a paged client snapshot', () => {
  it('sends a big hub’s clients in pages after the answer; clients gone, come or changed meanwhile end up as the hub has them', async () => {
    const { hub, feed } = await setup();
    const ids = Array.from({ length: 350 }, (_, i) => hub.relay.register(i % 9).id);
    const device = await register(hub.port, 5); // the last one: in the last page
    const gui = new Gui(feed);
    feed.subscribe(gui.listener);
    let held = true;
    const init = feed.init({ listener: gui.listener, busy: () => held });
    expect(init.clients.map((c) => c.id)).toEqual(ids.slice(0, 100));
    expect(init.clientPages).toEqual({ id: expect.any(Number) as number, total: 351 });
    gui.start(init);

    // While the pages wait: one client of the last page and one of the first go, one comes, one connects.
    const gone = [ids[300] ?? '', ids[5] ?? ''];
    for (const id of gone) expect(hub.relay.unregister(id)).toBe(true);
    const added = hub.relay.register(3).id;
    devices.push(await Device.connect(device.url));
    await until(
      () => gui.clients.get(device.id)?.connected === true && !gui.clients.has(gone[1] ?? '') && gui.clients.has(added),
      'the updates of the changes',
    );
    expect(gui.pages).toEqual([]); // held while the link is busy
    expect(gui.done).toBe(false);

    held = false;
    await until(() => gui.done, 'the last page');
    expect(gui.pages).toEqual([init.clientPages?.id, init.clientPages?.id, init.clientPages?.id]);
    await sleep(50); // a last update, if one was due
    expect(byId(gui.clients.values())).toEqual(byId(hub.relay.snapshot().clients));
    expect(gui.clients.size).toBe(351 - 2 + 1);
    expect(gui.clients.get(device.id)?.connected).toBe(true);
  });

  it('pages the users with the clients; users gone, come or changed meanwhile end up as the hub has them', async () => {
    const { hub, feed } = await setup();
    feed.subscribe(() => undefined); // another GUI: the registrations' updates go out before this one comes
    const ids = Array.from({ length: 250 }, (_, i) => hub.relay.register(1_000 + i).id); // 250 users of one client
    await sleep(50);
    const gui = new Gui(feed);
    feed.subscribe(gui.listener);
    let held = true;
    const init = feed.init({ listener: gui.listener, busy: () => held });
    expect(init.users.map((user) => user.userId)).toEqual(Array.from({ length: 100 }, (_, i) => 1_000 + i));
    gui.start(init);

    // While the pages wait: a user of the last page goes, one of the second gets a second client, one comes.
    expect(hub.relay.unregister(ids[240] ?? '')).toBe(true);
    const second = hub.relay.register(1_150).id;
    hub.relay.register(7);
    await until(() => gui.users.has(7) && gui.users.get(1_150)?.clientIds.length === 2, 'the updates of the users');
    expect(gui.pages).toEqual([]);

    held = false;
    await until(() => gui.done, 'the last page');
    await sleep(50); // a last update, if one was due
    const byUser = (users: Iterable<UserInfo>) => Object.fromEntries([...users].map((u) => [u.userId, u.clientIds]));
    expect(byUser(gui.users.values())).toEqual(byUser(hub.relay.users()));
    expect(gui.users.size).toBe(250 - 1 + 1);
    expect(gui.users.get(1_150)?.clientIds).toEqual([ids[150], second]);
    expect(gui.users.has(1_240)).toBe(false);
  });

  it('answers every client at once to a small hub, or to a caller that takes no pushes', async () => {
    const { hub, feed } = await setup();
    for (let i = 0; i < 100; i++) hub.relay.register(i);
    const gui = new Gui(feed);
    feed.subscribe(gui.listener);
    const small = feed.init({ listener: gui.listener });
    expect(small.clients).toHaveLength(100);
    expect(small.clientPages).toBeUndefined();
    hub.relay.register(100);
    const whole = feed.init();
    expect(whole.clients).toHaveLength(101);
    expect(whole.clientPages).toBeUndefined();
    expect(whole.users).toHaveLength(101);
    await sleep(30);
    expect(gui.pages).toEqual([]);
  });

  it('sends each page only when the GUI asks for it, one page per ask, and only for its current snapshot', async () => {
    const { hub, feed } = await setup();
    for (let i = 0; i < 250; i++) hub.relay.register(i);
    const gui = new Gui(feed, false);
    feed.subscribe(gui.listener);
    const init = feed.init({ listener: gui.listener });
    gui.start(init);
    const id = init.clientPages?.id ?? 0;
    expect(init.clientPages).toEqual({ id, total: 250 });
    await sleep(50);
    expect(gui.pages).toEqual([]); // never asked: nothing comes

    expect(feed.nextClientPage(gui.listener, id + 1)).toBe(false); // not its snapshot
    expect(feed.nextClientPage(() => undefined, id)).toBe(false); // not a subscriber
    expect(feed.nextClientPage(gui.listener, id)).toBe(true);
    await sleep(30);
    expect(gui.pages).toEqual([id]);
    expect(gui.pageSizes).toEqual([100]);
    expect(feed.nextClientPage(gui.listener, id)).toBe(true);
    expect(gui.done).toBe(true);
    expect(gui.pageSizes).toEqual([100, 50]);
    expect(feed.nextClientPage(gui.listener, id)).toBe(false); // complete
    await sleep(30);
    expect(gui.pages).toEqual([id, id]);
  });

  it('stops the pages of a GUI that asks again or leaves', async () => {
    const { hub, feed } = await setup();
    for (let i = 0; i < 450; i++) hub.relay.register(i % 4);
    const gui = new Gui(feed);
    const unsubscribe = feed.subscribe(gui.listener);
    const first = feed.init({ listener: gui.listener });
    const again = feed.init({ listener: gui.listener });
    gui.start(again);
    await until(() => gui.done, 'the last page');
    expect(gui.pages).toEqual(Array.from({ length: 4 }, () => again.clientPages?.id));
    expect(first.clientPages?.id).not.toBe(again.clientPages?.id);
    expect(Object.keys(byId(gui.clients.values()))).toHaveLength(450);

    const pagesBefore = gui.pages.length;
    feed.init({ listener: gui.listener });
    unsubscribe();
    await sleep(50);
    expect(gui.pages).toHaveLength(pagesBefore);
  });
});
