/**
 * Device keys in a cluster, on a real redis-server and real hubs: a key made on one hub works on
 * every hub, within its scope only; revoking it on any hub closes its sockets on every hub with
 * 4003; a hub that joins later, or rejoins after being cut off or after Redis lost its data, learns
 * the keys made and revoked meanwhile (and the others learn its own).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import type { CreateKeyResponse, DeviceKeyListing } from '../../shared/keys';
import { Device, rawRequest, startHub, type RawResponse, type TestHub } from '../support/relay';
import { socketOn, startCluster, waitForMembers, waitForState, type TestCluster } from '../support/cluster';
import { Gate } from '../support/gate';
import { startRedis, type TestRedis } from '../support/redis';
import { waitFor } from '../support/sdk';

const token = 'the-operators-access-token-0123';
const json = { 'content-type': 'application/json' };
const bearer = (value: string): Record<string, string> => ({ ...json, authorization: `Bearer ${value}` });
const scope = { name: 'greenhouse sensor', users: [7], subscribe: ['sensors/*'], publish: ['sensors/*'] };

let cluster: TestCluster | null = null;
let redis: TestRedis | null = null;
let gate: Gate | null = null;
const hubs: TestHub[] = [];
const devices: Device[] = [];

afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  for (const hub of hubs.splice(0)) await hub.relay.stop();
  await cluster?.stop();
  cluster = null;
  await gate?.shut();
  gate = null;
  await redis?.stop();
  redis = null;
});

async function createKey(hub: TestHub, body: object = scope): Promise<CreateKeyResponse> {
  const res = await rawRequest(hub.port, 'POST', '/keys', JSON.stringify(body), bearer(token));
  expect(res.status, res.text).toBe(201);
  return res.json as CreateKeyResponse;
}

function registerWith(hub: TestHub, secret: string, body: object = { user_id: 7 }): Promise<RawResponse> {
  return rawRequest(hub.port, 'POST', '/register', JSON.stringify(body), bearer(secret));
}

async function registerAs(hub: TestHub, secret: string, body: object = { user_id: 7 }): Promise<RegisterResponse> {
  const res = await registerWith(hub, secret, body);
  expect(res.status, res.text).toBe(200);
  return res.json as RegisterResponse;
}

async function listKeys(hub: TestHub): Promise<DeviceKeyListing[]> {
  const res = await rawRequest(hub.port, 'GET', '/keys', undefined, bearer(token));
  expect(res.status).toBe(200);
  return (res.json as { keys: DeviceKeyListing[] }).keys;
}

/** Waits until `hub` knows key `id` (revoked when `revoked`). */
async function waitForKey(hub: TestHub, id: string, revoked = false): Promise<void> {
  const known = (): boolean => hub.relay.keys().some((key) => key.id === id && (key.revokedAt !== null) === revoked);
  await waitFor(known, `hub on ${hub.port} knows key ${id}${revoked ? ' revoked' : ''}`);
}

async function connect(url: string): Promise<Device> {
  const device = await Device.connect(url);
  devices.push(device);
  return device;
}

/** The `count`-th text frame a device received, parsed. */
async function frame(device: Device, count: number): Promise<unknown> {
  await device.waitForMessages(count);
  return JSON.parse(device.messages[count - 1] ?? 'null') as unknown;
}

const status = async (hub: TestHub, id: string): Promise<number> =>
  (await rawRequest(hub.port, 'GET', `/ws/${id}`)).status;

describe('device keys in a cluster', () => {
  it('makes a key created on one hub work on another, within its scope only', async () => {
    cluster = await startCluster(2, { accessToken: token });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const { key, secret } = await createKey(a);
    await waitForKey(b, key.id);
    // B lists it, as A does (the secret's hash travels, never the secret).
    expect((await listKeys(b)).find((listed) => listed.id === key.id)).toEqual({ ...key, registrations: 0 });
    // It registers on B, as its user only.
    const onB = await registerAs(b, secret, { user_id: 7, name: 'made-on-b' });
    const refused = await registerWith(b, secret, { user_id: 8 });
    expect([refused.status, (refused.json as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);

    // Registered on A, its socket on B: B checks its subscribes and publishes against the key.
    const onA = await registerAs(a, secret, { user_id: 7, name: 'made-on-a' });
    const device = await connect(socketOn(b, onA.id, '?format=envelope'));
    device.send(JSON.stringify({ topics: ['cats'] }));
    expect(await frame(device, 1)).toMatchObject({ error: { code: 'forbidden' } });
    await device.setTopics(b, ['sensors/a', 'sensors/b']);
    // The other registration's socket on A, subscribed there.
    const listener = await connect(socketOn(a, onB.id, '?format=envelope'));
    await listener.setTopics(a, ['sensors/b']);
    device.send(JSON.stringify({ publish: { topic: 'cats', message: 'no' }, id: 1 }));
    expect(await frame(device, 2)).toMatchObject({ error: { code: 'forbidden' }, id: 1 });
    device.send(JSON.stringify({ publish: { topic: 'sensors/b', message: 'yes' }, id: 2, echo: true }));
    await device.waitForMessages(4);
    const frames = device.messages.slice(2).map((text) => JSON.parse(text) as unknown);
    expect(frames).toContainEqual(expect.objectContaining({ topic: 'sensors/b', message: 'yes' }));
    expect(await frame(listener, 1)).toMatchObject({ topic: 'sensors/b', message: 'yes' });
    expect(frames).toContainEqual({ ack: 2, delivered: 2 });
    // Over HTTP on B too, outside its scope: 403.
    const published = await rawRequest(b.port, 'POST', '/publish', '{"topic":"cats","message":"x"}', bearer(secret));
    expect(published.status).toBe(403);
    expect((await listKeys(a)).find((listed) => listed.id === key.id)?.registrations).toBe(2);
  });

  it('revoking on any hub closes the key’s sockets on every hub with 4003; its registrations 404 everywhere', async () => {
    cluster = await startCluster(2, { accessToken: token });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const { key, secret } = await createKey(a);
    const kept = await createKey(a, { ...scope, name: 'kept' });
    await waitForKey(b, kept.key.id);
    const madeOnA = await registerAs(a, secret, { user_id: 7, name: 'one' });
    const madeOnB = await registerAs(b, secret, { user_id: 7, name: 'two' });
    const keptOne = await registerAs(b, kept.secret);
    // One socket on each hub (each registered on the other), and one of another key.
    const onA = await connect(socketOn(a, madeOnB.id));
    const onB = await connect(socketOn(b, madeOnA.id));
    const other = await connect(socketOn(a, keptOne.id));
    await waitFor(() => a.relay.client(madeOnA.id)?.connected === true, 'A sees the socket on B');

    const revoked = await rawRequest(b.port, 'DELETE', `/keys/${key.id}`, undefined, bearer(token));
    expect(revoked.json).toEqual({ id: key.id, revoked: true, removed: 2 });
    expect(await onA.closed()).toBe(4003);
    expect(await onB.closed()).toBe(4003);
    for (const hub of [a, b]) {
      for (const { id } of [madeOnA, madeOnB]) expect(await status(hub, id)).toBe(404);
      expect(await status(hub, keptOne.id)).toBe(426);
      expect((await registerWith(hub, secret)).status).toBe(401);
      expect((await listKeys(hub)).find((listed) => listed.id === key.id)).toMatchObject({
        revokedAt: expect.any(Number) as number,
        registrations: 0,
      });
    }
    expect(other.closeCode).toBeNull();
  });

  it('a hub that joins later knows every key, revoked ones as revoked, and keeps them in its data dir', async () => {
    cluster = await startCluster(1, { accessToken: token });
    const [a] = cluster.hubs as [TestHub];
    const live = await createKey(a);
    const gone = await createKey(a, { ...scope, name: 'gone' });
    await rawRequest(a.port, 'DELETE', `/keys/${gone.key.id}`, undefined, bearer(token));
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-cluster-keys-'));
    const c = await startHub({ broker: cluster.redis.url, accessToken: token, dataDir });
    hubs.push(c);
    await waitForMembers(c, 2);
    const listed = await listKeys(c);
    expect(listed.find((key) => key.id === live.key.id)).toMatchObject({ revokedAt: null });
    expect(listed.find((key) => key.id === gone.key.id)?.revokedAt).toEqual(expect.any(Number));
    const made = await registerAs(c, live.secret);
    expect((await registerWith(c, gone.secret)).status).toBe(401);
    // Restarted without Redis (here: without a broker), it still knows them, and keeps the registration.
    await c.relay.stop();
    hubs.splice(0);
    const alone = await startHub({ accessToken: token, dataDir });
    hubs.push(alone);
    expect(alone.relay.client(made.id)).toMatchObject({ keyId: live.key.id });
    expect((await registerWith(alone, live.secret)).status).toBe(200);
    expect((await registerWith(alone, gone.secret)).status).toBe(401);
  });

  it('a hub cut off from Redis learns on rejoin the keys made and revoked meanwhile, and the others learn its own', async () => {
    redis = await startRedis();
    gate = await Gate.open(redis.port);
    const a = await startHub({ broker: `redis://127.0.0.1:${gate.port}/0`, accessToken: token });
    const b = await startHub({ broker: redis.url, accessToken: token });
    hubs.push(a, b);
    await waitForMembers(a, 2);
    const first = await createKey(a);
    await waitForKey(b, first.key.id);
    const made = await registerAs(a, first.secret);
    const device = await connect(socketOn(a, made.id));
    await gate.shut();
    await waitForState(a, 'degraded');
    // B revokes A's key and makes one; A makes one: neither hears the other.
    expect((await rawRequest(b.port, 'DELETE', `/keys/${first.key.id}`, undefined, bearer(token))).json).toEqual({
      id: first.key.id,
      revoked: true,
      removed: 1,
    });
    const ofB = await createKey(b, { ...scope, name: 'made on B' });
    const ofA = await createKey(a, { ...scope, name: 'made on A' });
    expect(device.closeCode).toBeNull();
    expect((await registerWith(b, ofA.secret)).status).toBe(401);
    await gate.reopen();
    await waitForState(a, 'up');
    expect(await device.closed()).toBe(4003);
    for (const hub of [a, b]) expect(await status(hub, made.id)).toBe(404);
    await waitForKey(b, ofA.key.id);
    expect((await registerWith(b, ofA.secret)).status).toBe(200);
    expect((await registerWith(a, ofB.secret)).status).toBe(200);
    expect((await registerWith(a, first.secret)).status).toBe(401);
  }, 30_000);

  it('writes every key back when Redis returns without its data, revocations made meanwhile included', async () => {
    cluster = await startCluster(2, { accessToken: token }, { persist: false });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const doomed = await createKey(a);
    const kept = await createKey(b, { ...scope, name: 'kept' });
    await waitForKey(a, kept.key.id);
    await waitForKey(b, doomed.key.id);
    const made = await registerAs(b, doomed.secret);
    const device = await connect(socketOn(a, made.id));
    await cluster.redis.kill();
    await waitForState(a, 'degraded');
    await waitForState(b, 'degraded');
    expect((await rawRequest(b.port, 'DELETE', `/keys/${doomed.key.id}`, undefined, bearer(token))).json).toEqual({
      id: doomed.key.id,
      revoked: true,
      removed: 1,
    });
    expect(device.closeCode).toBeNull();
    await cluster.redis.restart();
    await waitForState(a, 'up');
    await waitForState(b, 'up');
    expect(await device.closed()).toBe(4003);
    // A hub that joins now learns both keys from Redis alone.
    const c = await startHub({ broker: cluster.redis.url, accessToken: token });
    hubs.push(c);
    await waitForMembers(c, 3);
    expect((await registerWith(c, kept.secret)).status).toBe(200);
    expect((await registerWith(c, doomed.secret)).status).toBe(401);
    for (const hub of [a, b, c]) expect(await status(hub, made.id)).toBe(404);
  }, 30_000);
});
