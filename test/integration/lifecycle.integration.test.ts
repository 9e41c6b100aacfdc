import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/api';
import type { RelayEvent } from '../../shared/hub';
import { rawSocketOf } from '../../electron/relay/core/clients/fanout';
import { createRelay, resolveOptions } from '../../electron/relay/index';
import { Device, nextEvent, postJson, rawRequest, register, startHub, type TestHub } from '../support/relay';

const hubs: TestHub[] = [];
async function hubWith(options: Parameters<typeof startHub>[0] = {}): Promise<TestHub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.relay.stop()));
});

/** Lets the event loop turn so corked sockets flush and I/O happens. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A device that stops reading from its socket (the kernel buffers fill, then the hub's backlog grows). */
async function stalledDevice(hub: TestHub, userId: number): Promise<Device & { id: string }> {
  const device = await Device.join(hub, userId);
  rawSocketOf(device.ws)?.pause();
  return device;
}

describe('slow consumers', () => {
  const limit = 256 * 1024;
  const message = 'x'.repeat(16 * 1024);

  it('close policy: cuts the stalled client with 4002 while the others get everything', async () => {
    // A long grace, so the device still finds the close frame when it reads again below.
    const hub = await hubWith({ maxBufferedBytes: limit, slowConsumerPolicy: 'close', slowConsumerGraceMs: 60_000 });
    const slow = await stalledDevice(hub, 1);
    const normal = await Device.join(hub, 2);
    const slowEvent = nextEvent(hub.relay, 'slow-consumer');
    const gone = nextEvent(hub.relay, 'disconnected', (e) => e.id === slow.id);
    let published = 0;
    let fired = false;
    void slowEvent.then(() => (fired = true));
    // Up to 64 MiB: far more than loopback's kernel buffers can absorb for the stalled socket.
    while (!fired && published < 4_096) {
      for (let i = 0; i < 8; i++, published++) await hub.relay.publish({ topic: 'cats', message });
      await turn();
    }
    const event = await slowEvent;
    expect(event).toMatchObject({ id: slow.id, policy: 'close' });
    // Bounded: the backlog that tripped the policy is the limit plus at most one turn's batch.
    expect(event.bufferedBytes).toBeLessThan(limit + 8 * (message.length + 10) + 1);
    expect(hub.relay.stats().slowConsumerCloses).toBe(1);
    // Nothing more is queued for it once the policy has fired.
    expect((await hub.relay.publish({ topic: 'cats', message })).delivered).toBe(1);
    published++;
    // The others keep receiving everything.
    await normal.waitForMessages(published);
    expect(normal.messages).toHaveLength(published);
    // When the stalled device reads again, it finds the documented close code.
    rawSocketOf(slow.ws)?.resume();
    expect(await slow.closed()).toBe(CloseCode.slowConsumer);
    expect((await gone).reason).toBe('slow_consumer');
  });

  it('close policy: a device that never reads again is cut after the grace, freeing its backlog', async () => {
    const hub = await hubWith({ maxBufferedBytes: limit, slowConsumerGraceMs: 50 });
    const slow = await stalledDevice(hub, 1);
    const gone = nextEvent(hub.relay, 'disconnected', (e) => e.id === slow.id);
    let done = false;
    void gone.then(() => (done = true));
    for (let published = 0; !done && published < 4_096; published += 8) {
      for (let i = 0; i < 8; i++) await hub.relay.publish({ topic: 'cats', message });
      await turn();
    }
    expect((await gone).reason).toBe('slow_consumer');
    expect(hub.relay.stats()).toMatchObject({ connected: 0, slowConsumerCloses: 1 });
  });

  it('drop policy: keeps the client, skips and counts what it could not take', async () => {
    const hub = await hubWith({ maxBufferedBytes: limit, slowConsumerPolicy: 'drop' });
    const slow = await stalledDevice(hub, 1);
    const normal = await Device.join(hub, 2);
    let published = 0;
    while (hub.relay.stats().droppedMessages < 50 && published < 4_096) {
      for (let i = 0; i < 8; i++, published++) await hub.relay.publish({ topic: 'cats', message });
      await turn();
    }
    const stats = hub.relay.stats();
    expect(stats.droppedMessages).toBeGreaterThanOrEqual(50);
    const slowInfo = hub.relay.snapshot().clients.find((c) => c.id === slow.id);
    expect(slowInfo).toMatchObject({ connected: true });
    expect(slowInfo?.dropped).toBe(stats.droppedMessages);
    expect(slowInfo?.bufferedBytes).toBeLessThan(limit + 8 * (message.length + 10) + 1);
    await normal.waitForMessages(published);
    // Once it reads again it gets what was kept, and later messages too.
    rawSocketOf(slow.ws)?.resume();
    await slow.waitForMessages(published - stats.droppedMessages);
    await hub.relay.publish({ topic: 'cats', message: 'after' });
    await slow.waitForMessages(published - stats.droppedMessages + 1);
    expect(slow.messages.at(-1)).toBe('after');
  });
});

describe('heartbeat', () => {
  it('terminates a client that does not answer pings and keeps one that does', async () => {
    // Long enough that a loaded test machine (an event-loop stall longer than the interval runs
    // the next tick before the healthy client's pong is read) cannot cut the healthy client.
    const hub = await hubWith({ heartbeatIntervalMs: 300 });
    const { url, id } = await register(hub.port, 1);
    const mute = await Device.connect(url, { autoPong: false });
    const healthy = await Device.join(hub, 2);
    const event = await nextEvent(hub.relay, 'disconnected', (e) => e.id === id);
    expect(event.reason).toBe('heartbeat_timeout');
    expect(await mute.closed()).toBe(1006);
    // The healthy client has answered several pings by now and is still there.
    let pings = 0;
    healthy.ws.on('ping', () => pings++);
    while (pings < 3) await once(healthy.ws, 'ping');
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(hub.relay.stats()).toMatchObject({ connected: 1, heartbeatTerminations: 1 });
  });
});

describe('graceful stop', () => {
  it('closes every socket with 1001, stops accepting, and can start again', async () => {
    const hub = await startHub();
    const a = await Device.join(hub, 1);
    const b = await Device.join(hub, 2);
    const keepAlive = connect(hub.port, '127.0.0.1');
    await once(keepAlive, 'connect');
    await hub.relay.stop();
    expect(await a.closed()).toBe(1001);
    expect(await b.closed()).toBe(1001);
    expect(hub.relay.address()).toBeNull();
    await expect(rawRequest(hub.port, 'GET', '/health')).rejects.toThrow(/ECONNREFUSED/);
    if (!keepAlive.closed) await once(keepAlive, 'close');
    // Registrations survive a stop; the relay can listen again.
    const info = await hub.relay.start({ port: 0 });
    hubs.push({ ...hub, port: info.port });
    expect(hub.relay.stats().registered).toBe(2);
    const back = await Device.connect(`ws://127.0.0.1:${info.port}/ws/${a.id}`);
    await hub.relay.publish({ topic: 'cats', user_id: 1, message: 'welcome back' });
    await back.waitForMessages(1);
  });

  it('reports EADDRINUSE when the port is taken, and can retry on another port', async () => {
    const first = await hubWith();
    const second = createRelay({ host: '127.0.0.1', port: first.port, heartbeatIntervalMs: 0 });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const info = await second.start({ port: 0 });
    expect(info.port).not.toBe(first.port);
    await second.stop();
  });
});

describe('events and snapshot', () => {
  it('reports every state change through relay.on()', async () => {
    const hub = await hubWith();
    const events: RelayEvent[] = [];
    const off = hub.relay.on((event) => events.push(event));
    const device = await Device.join(hub, 4);
    await device.setTopics(hub, ['dogs']);
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'woof' });
    const disconnected = nextEvent(hub.relay, 'disconnected');
    await rawRequest(hub.port, 'DELETE', `/register/${device.id}`);
    await disconnected;
    off();
    expect(events.map((e) => e.type)).toEqual([
      'registered',
      'connected',
      'topics',
      'published',
      'unregistered',
      'disconnected',
    ]);
    expect(events[1]).toMatchObject({ type: 'connected', client: { id: device.id, userId: 4, connected: true } });
    expect(events[3]).toMatchObject({
      type: 'published',
      topic: 'dogs',
      userId: null,
      receipt: { delivered: 1 },
      origin: 'http',
      message: 'woof',
    });
    expect(events[5]).toMatchObject({ type: 'disconnected', reason: 'unregistered', code: CloseCode.unregistered });
  });

  it('tells who published: the HTTP route, or the GUI through the relay facade', async () => {
    const hub = await hubWith();
    const events: RelayEvent[] = [];
    const off = hub.relay.on((event) => events.push(event), ['published']);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'from http', user_id: 3 });
    void hub.relay.publish({ topic: 'cats', message: 'from the gui' });
    off();
    expect(events.map((e) => (e.type === 'published' ? [e.origin, e.message, e.userId] : e.type))).toEqual([
      ['http', 'from http', 3],
      ['gui', 'from the gui', null],
    ]);
  });

  it('sends a listener only the event types it asked for, and builds no publish event for structural listeners', async () => {
    const hub = await hubWith();
    const structural: RelayEvent[] = [];
    const off = hub.relay.on((event) => structural.push(event), ['registered', 'connected', 'disconnected']);
    const device = await Device.join(hub, 2);
    void hub.relay.publish({ topic: 'cats', message: 'unseen' });
    await device.waitForMessages(1);
    off();
    expect(structural.map((e) => e.type)).toEqual(['registered', 'connected']);
  });

  it('looks up one client, one user and the topics without a full snapshot', async () => {
    const hub = await hubWith();
    const device = await Device.join(hub, 6);
    void hub.relay.publish({ topic: 'cats', message: 'abcd' });
    await device.waitForMessages(1);
    expect(hub.relay.client(device.id)).toMatchObject({ id: device.id, userId: 6, connected: true, messagesSent: 1 });
    expect(hub.relay.client('nope')).toBeNull();
    expect(hub.relay.user(6)).toEqual({ userId: 6, clientIds: [device.id] });
    expect(hub.relay.user(7)).toBeNull();
    expect(hub.relay.topics()).toEqual([{ topic: 'cats', subscribers: 1, published: 1 }]);
    const seen: unknown[][] = [];
    hub.relay.visitCounters((...counters) => seen.push(counters));
    expect(seen).toEqual([[device.id, 1, 6, 0, 0]]); // 4 bytes of text in a 2-byte frame header
  });

  it('describes clients, users and topics', async () => {
    const hub = await hubWith();
    const before = Date.now();
    const device = await Device.join(hub, 4);
    await register(hub.port, 4);
    await register(hub.port, 5);
    await hub.relay.publish({ topic: 'cats', message: 'abc' });
    await device.waitForMessages(1);
    const snapshot = hub.relay.snapshot();
    const live = snapshot.clients.find((c) => c.id === device.id);
    expect(live).toMatchObject({
      userId: 4,
      topics: ['cats'],
      connected: true,
      messagesSent: 1,
      bytesSent: 5,
      bufferedBytes: 0,
      dropped: 0,
    });
    expect(live?.remoteAddress).toMatch(/127\.0\.0\.1/);
    expect(live?.connectedSince).toBeGreaterThanOrEqual(before);
    expect(snapshot.clients.filter((c) => !c.connected)).toHaveLength(2);
    expect(snapshot.users.map((u) => [u.userId, u.clientIds.length])).toEqual([
      [4, 2],
      [5, 1],
    ]);
    expect(snapshot.topics).toEqual([{ topic: 'cats', subscribers: 3, published: 1 }]);
    expect(snapshot.stats).toMatchObject({
      registered: 3,
      connected: 1,
      users: 2,
      topics: 1,
      published: 1,
      delivered: 1,
    });
  });

  it('keeps working when a listener throws', async () => {
    const hub = await hubWith();
    const off = hub.relay.on(() => {
      throw new Error('listener bug');
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const device = await Device.join(hub, 1);
      expect(await hub.relay.publish({ topic: 'cats', message: 'ok' })).toMatchObject({ delivered: 1 });
      await device.waitForMessages(1);
      await Promise.resolve();
    } finally {
      off();
      console.error = original;
    }
    expect(errors.length).toBeGreaterThan(0);
  });

  it('unregisterUser closes every client of that user', async () => {
    const hub = await hubWith();
    const a = await Device.join(hub, 9);
    const b = await Device.join(hub, 9);
    const other = await Device.join(hub, 10);
    expect(hub.relay.unregisterUser(9)).toBe(2);
    expect(await a.closed()).toBe(CloseCode.unregistered);
    expect(await b.closed()).toBe(CloseCode.unregistered);
    expect(other.ws.readyState).toBe(other.ws.OPEN);
    expect(hub.relay.stats().registered).toBe(1);
  });
});

describe('options', () => {
  it.each([
    [{ port: -1 }, /"port"/],
    [{ port: 70_000 }, /"port"/],
    [{ host: '' }, /"host"/],
    [{ maxBodyBytes: 0 }, /"maxBodyBytes"/],
    [{ maxBufferedBytes: 1.5 }, /"maxBufferedBytes"/],
    [{ slowConsumerPolicy: 'ignore' as 'drop' }, /"slowConsumerPolicy"/],
    [{ publicUrl: 'ftp://x' }, /"publicUrl"/],
    [{ publicUrl: 'not a url' }, /"publicUrl"/],
    [{ maxTopics: 0, maxTopicLength: 5 }, /"maxTopics"/],
  ])('refuses %j with a TypeError naming the option', (options, pattern) => {
    expect(() => resolveOptions(options)).toThrow(TypeError);
    expect(() => resolveOptions(options)).toThrow(pattern);
  });

  it('defaults to the LAN on port 8000 with the documented limits', () => {
    expect(resolveOptions()).toMatchObject({
      host: '0.0.0.0',
      port: 8000,
      maxBodyBytes: 1024 * 1024,
      maxPayloadBytes: 1024 * 1024,
      heartbeatIntervalMs: 30_000,
      slowConsumerPolicy: 'close',
      maxBufferedBytes: 1024 * 1024,
    });
  });
});
