import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientInfo } from '../../../shared/hub';
import type { HubInit, HubStatus, HubUpdate } from '../../../shared/ipc';
import { createHubFeed, type HubFeed } from './feed';
import { Device, register, startHub, type TestHub } from '../../../test/support/relay';

/** What a GUI makes of its init answer and the pushes after it, applied in arrival order as the renderer does. */
class Gui {
  readonly clients = new Map<string, ClientInfo>();
  /** Ids of the pages received, in order (of any snapshot). */
  readonly pages: number[] = [];
  paging: number | null = null;
  done = false;
  readonly listener = (update: HubUpdate): void => {
    const page = update.clientPage;
    if (page !== undefined) {
      this.pages.push(page.id);
      if (page.id !== this.paging) return;
      for (const client of page.clients) this.clients.set(client.id, client);
      if (page.last) this.done = true;
    }
    for (const client of update.upserts ?? []) this.clients.set(client.id, client);
    for (const id of update.removed ?? []) this.clients.delete(id);
    for (const [id, messagesSent, bytesSent, bufferedBytes, dropped] of update.counters ?? []) {
      const client = this.clients.get(id);
      if (client !== undefined) Object.assign(client, { messagesSent, bytesSent, bufferedBytes, dropped });
    }
  };

  start(init: HubInit): void {
    this.clients.clear();
    for (const client of init.clients) this.clients.set(client.id, client);
    this.paging = init.clientPages?.id ?? null;
    this.done = init.clientPages === undefined;
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
    const gui = new Gui();
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

  it('answers every client at once to a small hub, or to a caller that takes no pushes', async () => {
    const { hub, feed } = await setup();
    for (let i = 0; i < 100; i++) hub.relay.register(i);
    const gui = new Gui();
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

  it('stops the pages of a GUI that asks again or leaves', async () => {
    const { hub, feed } = await setup();
    for (let i = 0; i < 450; i++) hub.relay.register(i % 4);
    const gui = new Gui();
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
