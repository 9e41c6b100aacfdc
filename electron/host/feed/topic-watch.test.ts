import { afterEach, describe, expect, it } from 'vitest';
import type { HubStatus, HubUpdate, TopicLive } from '../../../shared/ipc';
import { createCommandHandler } from '../commands/commands';
import { createHubFeed, type FeedListener, type HubFeed } from './feed';
import { livePreviewChars } from './topic-watch';
import { postJson, startHub, type TestHub, rawRequest, register } from '../../../test/support/relay';

let hub: TestHub | null = null;
let feed: HubFeed | null = null;

afterEach(async () => {
  feed?.close();
  await hub?.relay.stop();
  hub = null;
  feed = null;
});

/** A subscribed GUI: the topics its updates carried (the latest of each), and a way to await one. */
function gui(target: HubFeed) {
  const topics = new Map<string, TopicLive>();
  const updates: HubUpdate[] = [];
  let waiter: { match: () => boolean; resolve: () => void } | null = null;
  const pages: { id: number; count: number; last: boolean }[] = [];
  const listener: FeedListener = (update) => {
    updates.push(update);
    for (const live of update.topicLive ?? []) topics.set(live.topic, live);
    const page = update.topicPage;
    if (page !== undefined) {
      pages.push({ id: page.id, count: page.topics.length, last: page.last });
      for (const live of page.topics) topics.set(live.topic, live);
    }
    if (waiter?.match() === true) {
      waiter.resolve();
      waiter = null;
    }
  };
  target.subscribe(listener);
  const until = (match: () => boolean): Promise<void> =>
    match() ? Promise.resolve() : new Promise((resolve) => (waiter = { match, resolve }));
  return { listener, topics, updates, pages, until };
}

async function setup(topicPageSize?: number): Promise<{ hub: TestHub; feed: HubFeed }> {
  hub = await startHub();
  const current = hub;
  const running = (): HubStatus => ({ state: 'running', listen: current.relay.address(), error: null });
  feed = createHubFeed(hub.relay, {
    status: running,
    intervalMs: 20,
    ...(topicPageSize === undefined ? {} : { topicPageSize }),
  });
  return { hub, feed };
}

describe('TopicWatch', () => {
  it('answers every topic with a stream, then pushes last values, counts, rates and retained markers to the GUI that watches', async () => {
    const { hub, feed } = await setup();
    await postJson(hub.port, '/publish', { topic: 'home/kitchen/temp', message: '{"c":21}' });
    await postJson(hub.port, '/publish', { topic: 'home/kitchen/temp', message: '{"c":22}' });
    await postJson(hub.port, '/publish', { topic: 'home/door', message: 'closed', retain: true });
    const watcher = gui(feed);
    const bystander = gui(feed);
    const handle = createCommandHandler(hub.relay, feed);

    const answer = await handle('watchTopics', { watch: true }, { listener: watcher.listener });
    if (!answer.ok) throw new Error(answer.error.message);
    const first = (answer.value as { topics: TopicLive[] }).topics.sort((a, b) => a.topic.localeCompare(b.topic));
    expect(first).toMatchObject([
      { topic: 'home/door', messages: 1, retained: true, last: { message: 'closed', bytes: 6, truncated: false } },
      { topic: 'home/kitchen/temp', messages: 2, retained: false, last: { message: '{"c":22}' } },
    ]);

    await postJson(hub.port, '/publish', { topic: 'home/kitchen/temp', message: '{"c":23}' });
    await postJson(hub.port, '/publish', { topic: 'garden/raw', message: 'x'.repeat(1000) });
    await watcher.until(() => watcher.topics.get('garden/raw') !== undefined);
    expect(watcher.topics.get('home/kitchen/temp')).toMatchObject({ messages: 3, last: { message: '{"c":23}' } });
    expect(watcher.topics.get('garden/raw')?.last).toMatchObject({ bytes: 1000, truncated: true });
    expect(watcher.topics.get('garden/raw')?.last?.message).toHaveLength(livePreviewChars);
    // Its rate shows, then falls back to 0 with nothing published.
    await watcher.until(() => (watcher.topics.get('garden/raw')?.perSecond ?? 0) > 0);
    await watcher.until(() => watcher.topics.get('garden/raw')?.perSecond === 0);

    // Retained: set by a retained publish, cleared by an empty one, and by the operator.
    await postJson(hub.port, '/publish', { topic: 'garden/raw', message: 'on', retain: true });
    await watcher.until(() => watcher.topics.get('garden/raw')?.retained === true);
    await postJson(hub.port, '/publish', { topic: 'garden/raw', message: '', retain: true });
    await watcher.until(() => watcher.topics.get('garden/raw')?.retained === false);
    expect(await handle('clearRetained', { topic: 'home/door' })).toMatchObject({ ok: true });
    await watcher.until(() => watcher.topics.get('home/door')?.retained === false);

    // Bytes travel as base64.
    await fetch(`${hub.base}/publish?topic=bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 1, 255]),
    });
    await watcher.until(() => watcher.topics.get('bin') !== undefined);
    expect(watcher.topics.get('bin')?.last).toMatchObject({ message: 'AAH/', encoding: 'base64', bytes: 3 });

    expect(bystander.updates.some((u) => u.topicLive !== undefined)).toBe(false);
    expect(await handle('watchTopics', { watch: false }, { listener: watcher.listener })).toEqual({
      ok: true,
      value: { topics: [] },
    });
    const seen = watcher.updates.length;
    await postJson(hub.port, '/publish', { topic: 'after', message: 'x' });
    await bystander.until(() => bystander.updates.some((u) => u.stats.published >= 9));
    expect(watcher.updates.slice(seen).some((u) => u.topicLive !== undefined)).toBe(false);
  });

  it('answers a big tree in pages, each sent when the GUI asks; topics published meanwhile end up as the hub has them', async () => {
    const { hub, feed } = await setup(10);
    for (let i = 0; i < 25; i++) await postJson(hub.port, '/publish', { topic: `t/${i}`, message: `v${i}` });
    const watcher = gui(feed);
    const handle = createCommandHandler(hub.relay, feed);
    const answer = await handle('watchTopics', { watch: true }, { listener: watcher.listener });
    if (!answer.ok) throw new Error(answer.error.message);
    const { topics, topicPages } = answer.value as { topics: TopicLive[]; topicPages?: { id: number; total: number } };
    for (const live of topics) watcher.topics.set(live.topic, live);
    expect(topics).toHaveLength(10);
    const id = topicPages?.id ?? 0;
    expect(topicPages).toEqual({ id, total: 25 });
    await postJson(hub.port, '/publish', { topic: 't/24', message: 'changed before its page' });
    await postJson(hub.port, '/publish', { topic: 'new/one', message: 'come since the answer' });
    await watcher.until(() => watcher.topics.has('new/one'));
    expect(watcher.pages).toEqual([]); // nothing comes unasked

    const next = (page: number) => handle('nextTopicPage', { id: page }, { listener: watcher.listener });
    expect(await next(id + 1)).toEqual({ ok: true, value: { sent: false } }); // not its tree
    expect(await next(id)).toEqual({ ok: true, value: { sent: true } });
    expect(await next(id)).toEqual({ ok: true, value: { sent: true } });
    expect(watcher.pages).toEqual([
      { id, count: 10, last: false },
      { id, count: 5, last: true },
    ]);
    expect(await next(id)).toEqual({ ok: true, value: { sent: false } }); // complete
    expect(watcher.topics.size).toBe(26);
    expect(watcher.topics.get('t/24')?.last?.message).toBe('changed before its page');
    expect(watcher.topics.get('t/24')?.messages).toBe(2);

    // Asking again, or stopping, ends the pages of the previous answer.
    const again = await handle('watchTopics', { watch: true }, { listener: watcher.listener });
    const againId = (again.ok ? (again.value as { topicPages?: { id: number } }).topicPages?.id : undefined) ?? 0;
    expect(againId).not.toBe(id);
    await handle('watchTopics', { watch: false }, { listener: watcher.listener });
    expect(await next(againId)).toEqual({ ok: true, value: { sent: false } });
  });

  it('refuses a bad argument and a connection without updates', async () => {
    const { hub, feed } = await setup();
    const handle = createCommandHandler(hub.relay, feed);
    expect(await handle('watchTopics', { watch: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid_body' } });
    expect(await handle('watchTopics', { watch: true })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('the log says who unregistered a device', () => {
  it('names the operator for the GUI and DELETE /register for a request', async () => {
    const { hub, feed } = await setup();
    const handle = createCommandHandler(hub.relay, feed);
    const byGui = await register(hub.port, 1);
    const byHttp = await register(hub.port, 2);
    expect(await handle('unregister', { id: byGui.id })).toMatchObject({ ok: true, value: { removed: true } });
    const deleted = await rawRequest(hub.port, 'DELETE', `/register/${byHttp.id}`);
    expect(deleted.status).toBe(200);
    const lines = feed
      .init()
      .log.filter((entry) => entry.kind === 'unregistered')
      .map((entry) => entry.text);
    expect(lines).toEqual([
      `user 1 ${byGui.id.slice(0, 8)}… unregistered by the operator (GUI)`,
      `user 2 ${byHttp.id.slice(0, 8)}… unregistered by DELETE /register`,
    ]);
  });
});
