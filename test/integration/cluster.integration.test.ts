/**
 * Several hubs as one, on a real redis-server: registrations, publishes (exactly once, in order,
 * counted across the cluster), unregistering, replacing, recovery, history and retained messages,
 * each across two or three real hubs with real device sockets.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthResponse, PublishReceipt, RegisterResponse } from '../../shared/api';
import type { Envelope } from '../../shared/protocol';
import { createHubHost } from '../../electron/host/index';
import {
  metricSample,
  postJson,
  rawRequest,
  register,
  Device,
  nextEvent,
  startHub,
  type TestHub,
} from '../support/relay';
import { socketOn, startCluster, waitForMembers, type TestCluster } from '../support/cluster';
import { Gate } from '../support/gate';
import { waitFor } from '../support/sdk';

let cluster: TestCluster | null = null;
const extraHubs: TestHub[] = [];
const devices: Device[] = [];

afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  for (const hub of extraHubs.splice(0)) await hub.relay.stop();
  await cluster?.stop();
  cluster = null;
});

async function connect(url: string): Promise<Device> {
  const device = await Device.connect(url);
  devices.push(device);
  return device;
}

/** Registers `userId` on `on` and connects its socket on `at`. */
async function deviceOn(on: TestHub, at: TestHub, userId: number, query = ''): Promise<Device & { id: string }> {
  const { id } = await register(on.port, userId);
  return Object.assign(await connect(socketOn(at, id, query)), { id });
}

async function publish(hub: TestHub, body: object): Promise<PublishReceipt> {
  const res = await postJson(hub.port, '/publish', body);
  expect(res.status).toBe(200);
  return res.json as PublishReceipt;
}

const envelopes = (device: Device): Envelope[] => device.messages.map((text) => JSON.parse(text) as Envelope);

describe('a cluster of hubs on Redis', () => {
  it('lets a device register on one hub, connect on another and get a publish made on a third, exactly once', async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.hubs as [TestHub, TestHub, TestHub];
    const device = await deviceOn(a, b, 1);
    const receipt = await publish(c, { topic: 'cats', message: 'hello from C' });
    await device.waitForMessages(1);
    expect(receipt).toMatchObject({ delivered: 1, offset: 1, cluster: { hubs: 3, counted: 3 } });
    // Nothing else comes: a publish after it is the next message, not a copy of the first.
    await publish(a, { topic: 'cats', message: 'then from A' });
    await device.waitForMessages(2);
    expect(device.messages).toEqual(['hello from C', 'then from A']);
  });

  it('counts deliveries on every hub in the receipt, and in the ack of a device publish', async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.hubs as [TestHub, TestHub, TestHub];
    const onA1 = await deviceOn(c, a, 1);
    const onA2 = await deviceOn(b, a, 2);
    const onB = await deviceOn(a, b, 3);
    expect(await publish(c, { topic: 'cats', message: 'to three' })).toMatchObject({
      delivered: 3,
      cluster: { hubs: 3, counted: 3 },
    });
    // Only user 3's device, on B: counted by B.
    expect(await publish(a, { topic: 'cats', user_id: 3, message: 'to one' })).toMatchObject({ delivered: 1 });
    // A device's own publish (not echoed): the two others, on A and on B.
    const ack = new Promise<string>((resolve) =>
      onA1.ws.on('message', (data: Buffer) => data.toString().startsWith('{"ack"') && resolve(data.toString())),
    );
    onA1.send(JSON.stringify({ publish: { topic: 'cats', message: 'from a device' }, id: 7 }));
    expect(JSON.parse(await ack)).toEqual({ ack: 7, delivered: 2 });
    await onB.waitForMessages(3);
    await onA2.waitForMessages(2);
    expect(onB.messages).toEqual(['to three', 'to one', 'from a device']);
    expect(onA2.messages).toEqual(['to three', 'from a device']);
  });

  it('delivers concurrent publishes from three hubs once each, in one order per topic for every device', async () => {
    cluster = await startCluster(3);
    const hubs = cluster.hubs;
    const listeners = await Promise.all(
      hubs.map((hub, i) => deviceOn(hubs[(i + 1) % 3] as TestHub, hub, i, '?format=envelope')),
    );
    const perHub = 60;
    await Promise.all(
      hubs.map(async (hub, h) => {
        for (let i = 0; i < perHub; i++) await publish(hub, { topic: 'cats', message: `${h}:${i}` });
      }),
    );
    for (const device of listeners) await device.waitForMessages(3 * perHub);
    const orders = listeners.map((device) => envelopes(device).map((e) => `${e.offset} ${e.message}`));
    // Offsets 1..180 without a gap or a copy, and every device in the same order.
    expect(orders[0]?.map((line) => Number(line.split(' ')[0]))).toEqual(
      Array.from({ length: 3 * perHub }, (_, i) => i + 1),
    );
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    // Each hub's own publishes keep their order within it.
    for (let h = 0; h < 3; h++) {
      const mine = envelopes(listeners[0] as Device)
        .filter((e) => e.message.startsWith(`${h}:`))
        .map((e) => e.message);
      expect(mine).toEqual(Array.from({ length: perHub }, (_, i) => `${h}:${i}`));
    }
  });

  it('hands out socket URLs with the address of the hub asked, or its public URL', async () => {
    cluster = await startCluster(2);
    const [a] = cluster.hubs as [TestHub];
    const onB: RegisterResponse = await register((cluster.hubs[1] as TestHub).port, 1);
    expect(onB.url).toBe(`ws://127.0.0.1:${(cluster.hubs[1] as TestHub).port}/ws/${onB.id}`);
    const behind = await startHub({ broker: cluster.redis.url, publicUrl: 'http://hubs.example:8080' });
    extraHubs.push(behind);
    const viaBalancer = await register(behind.port, 2);
    expect(viaBalancer.url).toBe(`ws://hubs.example:8080/ws/${viaBalancer.id}`);
    // Either registration is known on A as on the hub that made it.
    expect((await rawRequest(a.port, 'GET', `/ws/${viaBalancer.id}`)).status).toBe(426);
    expect((await rawRequest(a.port, 'GET', `/ws/${onB.id}`)).status).toBe(426);
  });

  it('finds in Redis a registration made a moment ago that its own copy has not seen yet', async () => {
    cluster = await startCluster(1);
    const [a] = cluster.hubs as [TestHub];
    // Written as another hub writes it, without the bus message that would tell this hub.
    const redis = new Redis(cluster.redis.port, '127.0.0.1');
    const entry = { id: 'f'.repeat(32), userId: 42, registeredAt: 1_000, topics: ['cats'], name: 'from a newer hub' };
    await redis.hset('relay-hub:0:registrations', entry.id, JSON.stringify(entry));
    await redis.quit();
    expect((await rawRequest(a.port, 'GET', `/ws/${entry.id}`)).status).toBe(426);
    const device = await connect(socketOn(a, entry.id));
    await publish(a, { topic: 'cats', user_id: 42, message: 'for 42' });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['for 42']);
    expect(a.relay.snapshot().clients).toEqual([
      expect.objectContaining({ id: entry.id, userId: 42, connected: true }),
    ]);
  });

  it('closes a socket on one hub with 4000 when the registration is removed on another, and every hub forgets it', async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.hubs as [TestHub, TestHub, TestHub];
    const device = await deviceOn(a, b, 1);
    const res = await rawRequest(c.port, 'DELETE', `/register/${device.id}`);
    expect(res.json).toEqual({ removed: true, id: device.id });
    expect(await device.closed()).toBe(4000);
    for (const hub of [a, b, c]) {
      // The bus tells each hub in its own time: the socket's hub closing it says nothing of the others.
      await waitFor(() => hub.relay.client(device.id) === null, `the hub on ${hub.port} forgets it`);
      expect((await rawRequest(hub.port, 'GET', `/ws/${device.id}`)).status).toBe(404);
      expect(hub.relay.snapshot().clients).toEqual([]);
    }
    // Removed everywhere: removing it again says so.
    expect((await rawRequest(a.port, 'DELETE', `/register/${device.id}`)).json).toEqual({
      removed: false,
      id: device.id,
    });
  });

  it('replaces a socket on one hub with 4001 when the same registration connects on another', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const first = await deviceOn(a, a, 1);
    await waitFor(() => b.relay.snapshot().clients[0]?.hub === a.relay.cluster()?.self, 'B sees it on A');
    const second = await connect(socketOn(b, first.id));
    expect(await first.closed()).toBe(4001);
    // The newer socket stays, and gets what is published anywhere.
    await publish(a, { topic: 'cats', message: 'to the newer one' });
    await second.waitForMessages(1);
    expect(second.messages).toEqual(['to the newer one']);
    expect(second.closeCode).toBeNull();
  });

  it('recovers across hubs: what was published while a device moved comes once, then the live messages', async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.hubs as [TestHub, TestHub, TestHub];
    const device = await deviceOn(a, a, 1, '?format=envelope');
    await device.setTopics(a, ['news']);
    for (let i = 1; i <= 3; i++) await publish(b, { topic: 'news', message: `before ${i}` });
    await device.waitForMessages(3);
    const last = envelopes(device)[2] as Envelope;
    await device.close();
    for (let i = 1; i <= 4; i++) await publish(a, { topic: 'news', message: `missed ${i}` });
    const back = await connect(socketOn(c, device.id, '?format=envelope&wait=subscribe'));
    back.send(JSON.stringify({ topics: ['news'], since: { news: { offset: last.offset, epoch: last.epoch } } }));
    await back.waitForMessages(5);
    await publish(b, { topic: 'news', message: 'live' });
    await back.waitForMessages(6);
    expect(back.messages.slice(0, 4).map((text) => (JSON.parse(text) as Envelope).message)).toEqual([
      'missed 1',
      'missed 2',
      'missed 3',
      'missed 4',
    ]);
    expect(JSON.parse(back.messages[4] as string)).toEqual({
      recovery: { news: { recovered: true, offset: 7, epoch: last.epoch } },
    });
    expect(JSON.parse(back.messages[5] as string)).toMatchObject({ message: 'live', offset: 8 });
  });

  it('lets a hub that lags behind the position a device brings catch up first: no gap, no copy', async () => {
    cluster = await startCluster(1);
    const [a] = cluster.hubs as [TestHub];
    const gate = await Gate.open(cluster.redis.port);
    const b = await startHub({ broker: `redis://127.0.0.1:${gate.port}/0` });
    extraHubs.push(b);
    try {
      await waitForMembers(a, 2);
      const device = await deviceOn(a, a, 1, '?format=envelope');
      await publish(a, { topic: 'cats', message: 'one' });
      await waitFor(() => b.relay.history('cats')?.offset === 1, 'B has the first');
      // B stops hearing from Redis for a moment: the second reaches the device on A, not B.
      gate.hold();
      await publish(a, { topic: 'cats', message: 'two' });
      await device.waitForMessages(2);
      const last = envelopes(device)[1] as Envelope;
      await device.close();
      const moved = await connect(socketOn(b, device.id, '?format=envelope&wait=subscribe'));
      moved.send(JSON.stringify({ topics: ['cats'], since: { cats: { offset: last.offset, epoch: last.epoch } } }));
      await new Promise((resolve) => setTimeout(resolve, 150));
      gate.release();
      await moved.waitForMessages(1);
      await publish(a, { topic: 'cats', message: 'three' });
      await moved.waitForMessages(2);
      expect(JSON.parse(moved.messages[0] as string)).toEqual({
        recovery: { cats: { recovered: true, offset: 2, epoch: last.epoch } },
      });
      expect(JSON.parse(moved.messages[1] as string)).toMatchObject({ message: 'three', offset: 3 });
      expect(moved.messages).toHaveLength(2);
    } finally {
      await gate.shut();
    }
  });

  it('keeps a retained message and the history in Redis: any hub shows them, and a clear on one clears them all', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    await publish(a, { topic: 'state', message: 'on', retain: true });
    await publish(a, { topic: 'state', message: 'tick' });
    const later = await deviceOn(a, b, 1);
    await later.setTopics(b, ['state']);
    await later.waitForMessages(1);
    expect(later.messages).toEqual(['on']);
    const history = await rawRequest(b.port, 'GET', '/history/state');
    expect(history.json).toMatchObject({
      offset: 2,
      complete: true,
      messages: [{ message: 'on', retain: true }, { message: 'tick' }],
    });
    expect((await rawRequest(b.port, 'DELETE', '/retained/state')).json).toEqual({ topic: 'state', removed: true });
    await waitFor(() => a.relay.streams().find((s) => s.topic === 'state')?.retained === null, 'A clears it');
    // A hub that joins now loads the history from Redis, without the retained message.
    const joiner = await startHub({ broker: cluster.redis.url });
    extraHubs.push(joiner);
    expect(joiner.relay.history('state')).toMatchObject({
      offset: 2,
      messages: [{ message: 'on' }, { message: 'tick' }],
    });
    expect(joiner.relay.streams().find((s) => s.topic === 'state')?.retained).toBeNull();
  });

  it('carries binary messages across hubs as the exact bytes', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const device = await deviceOn(a, b, 1);
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x20, 0x7b]);
    const res = await rawRequest(a.port, 'POST', '/publish?topic=cats', bytes, {
      'content-type': 'application/octet-stream',
    });
    expect(res.json).toMatchObject({ delivered: 1 });
    await device.waitForFrames(1);
    expect(device.frames[0]).toEqual({ binary: true, data: bytes });
  });

  it('shows the cluster in /health, /metrics, the snapshot and the events: members, their devices, where each client is', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const aId = a.relay.cluster()?.self as string;
    const bId = b.relay.cluster()?.self as string;
    const seen = nextEvent(a.relay, 'connected', (event) => event.hub !== undefined);
    const onB = await deviceOn(a, b, 1);
    const onA = await deviceOn(b, a, 2);
    expect((await seen).client).toMatchObject({ id: onB.id, hub: bId, connected: true });
    await waitFor(() => a.relay.cluster()?.members.find((m) => m.id === bId)?.connected === 1, 'B counts one device');
    const health = (await rawRequest(a.port, 'GET', '/health')).json as HealthResponse;
    expect(health).toMatchObject({ status: 'ok', registered: 2, connected: 1, cluster: { state: 'up', hubs: 2 } });
    const clients = new Map(a.relay.snapshot().clients.map((client) => [client.id, client]));
    expect(clients.get(onA.id)).toMatchObject({ connected: true, hub: aId });
    expect(clients.get(onB.id)).toMatchObject({ connected: true, hub: bId });
    expect(await metricSample(a.port, 'relay_hub_cluster_up')).toBe(1);
    expect(await metricSample(a.port, 'relay_hub_cluster_members')).toBe(2);
    const sampleOf = (hub: TestHub, id: string): string => {
      const member = a.relay.cluster()?.members.find((m) => m.id === id);
      return `relay_hub_cluster_member_connections{member="${id}",name="${member?.name ?? ''}",url="${hub.relay.address()?.urls[0] ?? ''}"}`;
    };
    expect(await metricSample(a.port, sampleOf(b, bId))).toBe(1);
    expect(await metricSample(a.port, sampleOf(a, aId))).toBe(1);
    await publish(b, { topic: 'cats', message: 'x' });
    await onA.waitForMessages(1);
    expect(await metricSample(a.port, 'relay_hub_cluster_received_total')).toBe(1);
    // A hub that stops leaves at once.
    await b.relay.stop();
    cluster.hubs.splice(1, 1);
    await waitForMembers(a, 1);
  });

  it('joins a cluster, and leaves it, when the operator sets or clears the broker in the settings', async () => {
    cluster = await startCluster(1);
    const [a] = cluster.hubs as [TestHub];
    const host = createHubHost({
      relay: { host: '127.0.0.1', port: 0, heartbeatIntervalMs: 0, registerRatePerSec: 0 },
    });
    try {
      const status = await host.start();
      const port = status.listen?.port ?? 0;
      expect(host.relay.cluster()).toBeNull();
      const alone = await register(port, 1);
      const config = await host.applySettings({ broker: cluster.redis.url });
      expect(config.settings.broker).toBe(cluster.redis.url);
      expect(host.relay.cluster()?.state).toBe('up');
      await waitForMembers(a, 2);
      // What it held alone joined the cluster; what it registers now is known everywhere at once.
      expect((await rawRequest(a.port, 'GET', `/ws/${alone.id}`)).status).toBe(426);
      const joined = await register(port, 2);
      expect((await rawRequest(a.port, 'GET', `/ws/${joined.id}`)).status).toBe(426);
      await expect(host.applySettings({ broker: 'redis://:hunter2secret@x/y' })).rejects.toThrow(
        'option "broker" may end with /<database number> only, got "redis://:***@x/y"',
      );
      await host.applySettings({ broker: null });
      expect(host.relay.cluster()).toBeNull();
      await waitForMembers(a, 1);
      expect((await postJson(port, '/publish', { topic: 'cats', message: 'alone again' })).json).toMatchObject({
        offset: 1,
      });
    } finally {
      await host.stop();
    }
  });

  it('refuses a broker URL it cannot use, without repeating its password', async () => {
    await expect(startHub({ broker: 'http://127.0.0.1:6379' })).rejects.toThrow(
      'option "broker" must use redis: or rediss: (TLS)',
    );
    await expect(startHub({ broker: 'redis://:hunter2secret@127.0.0.1:6379/db' })).rejects.toThrow(
      'option "broker" may end with /<database number> only, got "redis://:***@127.0.0.1:6379/db"',
    );
    await expect(startHub({ broker: 'redis://:hunter2secret@127.0.0.1:6379/0?x=1' })).rejects.not.toThrow(/hunter2/);
  });
});
