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
  const listener: FeedListener = (update) => {
    updates.push(update);
    for (const live of update.topicLive ?? []) topics.set(live.topic, live);
    if (waiter?.match() === true) {
      waiter.resolve();
      waiter = null;
    }
  };
  target.subscribe(listener);
  const until = (match: () => boolean): Promise<void> =>
    match() ? Promise.resolve() : new Promise((resolve) => (waiter = { match, resolve }));
  return { listener, topics, updates, until };
}

async function setup(): Promise<{ hub: TestHub; feed: HubFeed }> {
  hub = await startHub();
  const current = hub;
  const running = (): HubStatus => ({ state: 'running', listen: current.relay.address(), error: null });
  feed = createHubFeed(hub.relay, { status: running, intervalMs: 20 });
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
