/**
 * Who is online, with WebSocket devices and HTTP streams mixed: `GET /clients` (operator only),
 * `GET /presence/<topic>`, and the opt-in join/leave events of an envelope device
 * (`"presence": true`) and of an SSE stream (`presence=true`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientsResponse, PresenceResponse } from '../../shared/presence';
import { Device, nextEvent, rawRequest, register, startHub, type TestHub } from '../support/relay';
import { socketOn, startCluster, type TestCluster } from '../support/cluster';
import { StreamReader } from '../support/stream';

let hub: TestHub | null = null;
const readers: StreamReader[] = [];
const devices: Device[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  for (const device of devices.splice(0)) await device.close();
  await hub?.relay.stop();
  hub = null;
});

async function envelopeDevice(userId: number, topics: string[], presence: boolean): Promise<Device & { id: string }> {
  const h = hub as TestHub;
  const { url, id } = await register(h.port, userId);
  const device = Object.assign(await Device.connect(`${url}?format=envelope`), { id });
  devices.push(device);
  const applied = nextEvent(h.relay, 'topics', (event) => event.id === id);
  device.send(JSON.stringify({ topics, presence }));
  await applied;
  return device;
}

const presenceFrames = (device: Device): { topic: string; event: string; client: Record<string, unknown> }[] =>
  device.messages
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .filter((frame) => 'presence' in frame)
    .map((frame) => frame.presence as { topic: string; event: string; client: Record<string, unknown> });

describe('presence', () => {
  it('lists every live client of every door, counts a topic, and sends join/leave to those who asked', async () => {
    hub = await startHub();
    const watcher = await envelopeDevice(1, ['room'], true);
    const plain = await envelopeDevice(2, ['room', 'other'], false);
    const sse = new StreamReader(hub.port, '/sse?topic=room&user_id=3&presence=true');
    readers.push(sse);
    await sse.event('subscribed');
    const sseId = JSON.parse(sse.events.find((e) => e.event === 'subscribed')?.data ?? '{}') as { id: string };
    await watcher.waitForMessages(2);
    expect(presenceFrames(watcher)).toEqual([
      { topic: 'room', event: 'join', client: { id: plain.id, user_id: 2, protocol: 'ws' } },
      { topic: 'room', event: 'join', client: { id: sseId.id, user_id: 3, protocol: 'sse' } },
    ]);

    const all = (await rawRequest(hub.port, 'GET', '/clients')).json as ClientsResponse;
    expect(all.clients.map((c) => [c.protocol, c.user_id, c.topics]).sort()).toEqual([
      ['sse', 3, ['room']],
      ['ws', 1, ['room']],
      ['ws', 2, ['room', 'other']],
    ]);
    expect(all.clients.every((c) => typeof c.connected_at === 'number' && c.address !== null)).toBe(true);
    const ofOther = (await rawRequest(hub.port, 'GET', '/clients?topic=other')).json as ClientsResponse;
    expect(ofOther.clients.map((c) => c.id)).toEqual([plain.id]);
    const ofUser = (await rawRequest(hub.port, 'GET', '/clients?user_id=3')).json as ClientsResponse;
    expect(ofUser.clients.map((c) => c.protocol)).toEqual(['sse']);
    const room = (await rawRequest(hub.port, 'GET', '/presence/room')).json as PresenceResponse;
    expect(room).toEqual({ topic: 'room', clients: 3, users: [1, 2, 3] });

    // A device joins, then leaves: both watchers hear it; the plain device hears nothing.
    const late = await envelopeDevice(4, ['room'], false);
    await sse.event('presence', 1);
    await late.close();
    await sse.event('presence', 2);
    await watcher.waitForMessages(4);
    const lateEvents = presenceFrames(watcher).filter((e) => e.client.id === late.id);
    expect(lateEvents.map((e) => e.event)).toEqual(['join', 'leave']);
    const sseEvents = sse.events.filter((e) => e.event === 'presence').map((e) => JSON.parse(e.data) as object);
    expect(sseEvents).toEqual(lateEvents);
    sse.close();
    await watcher.waitForMessages(5);
    expect(presenceFrames(watcher).at(-1)).toMatchObject({ event: 'leave', client: { protocol: 'sse' } });
    expect(plain.messages.filter((m) => m.includes('presence'))).toEqual([]);
  });

  it('gives the client list to the operator only, and a topic count to keys allowed on it', async () => {
    const token = 'presence-access-token-0123456';
    hub = await startHub({ accessToken: token });
    const auth = { authorization: `Bearer ${token}` };
    const created = await rawRequest(
      hub.port,
      'POST',
      '/keys',
      JSON.stringify({ name: 'k', users: [1], subscribe: ['s/*'], publish: [] }),
      { ...auth, 'content-type': 'application/json' },
    );
    const key = { authorization: `Bearer ${(created.json as { secret: string }).secret}` };
    expect((await rawRequest(hub.port, 'GET', '/clients')).status).toBe(401);
    expect((await rawRequest(hub.port, 'GET', '/clients', undefined, key)).status).toBe(403);
    expect((await rawRequest(hub.port, 'GET', '/clients', undefined, auth)).status).toBe(200);
    expect((await rawRequest(hub.port, 'GET', '/presence/x', undefined, key)).status).toBe(403);
    const allowed = await rawRequest(hub.port, 'GET', '/presence/s%2F1', undefined, key);
    expect(allowed.json).toEqual({ topic: 's/1', clients: 0, users: [] });
    expect((await rawRequest(hub.port, 'GET', '/clients?user_id=x', undefined, auth)).status).toBe(400);
  });

  it('refuses presence without envelopes', async () => {
    hub = await startHub();
    const { url } = await register(hub.port, 1);
    const device = await Device.connect(url);
    devices.push(device);
    device.send(JSON.stringify({ topics: ['a'], presence: true }));
    await device.waitForMessages(1);
    expect(JSON.parse(device.messages[0] as string)).toMatchObject({ error: { code: 'bad_frame' } });
  });
});

describe('presence in a cluster', () => {
  let cluster: TestCluster | null = null;
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.close();
    await cluster?.stop();
    cluster = null;
  });

  it('counts and announces devices whose sockets are on another hub of the cluster', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    // A watcher on hub a.
    const watcherReg = await register(a.port, 1);
    const watcher = await Device.connect(`${socketOn(a, watcherReg.id)}?format=envelope`);
    devices.push(watcher);
    watcher.send(JSON.stringify({ topics: ['room'], presence: true }));
    await nextEvent(a.relay, 'topics', (event) => event.id === watcherReg.id);
    // A device of user 2 with its socket on hub b joins the room.
    const otherReg = await register(b.port, 2);
    const other = await Device.connect(socketOn(b, otherReg.id));
    devices.push(other);
    other.send(JSON.stringify({ topics: ['room'] }));
    await watcher.waitForMessages(1);
    expect(presenceFrames(watcher)).toEqual([
      { topic: 'room', event: 'join', client: { id: otherReg.id, user_id: 2, protocol: 'ws' } },
    ]);
    const room = (await rawRequest(a.port, 'GET', '/presence/room')).json as PresenceResponse;
    expect(room).toEqual({ topic: 'room', clients: 2, users: [1, 2] });
    const listed = (await rawRequest(a.port, 'GET', '/clients?user_id=2')).json as ClientsResponse;
    expect(listed.clients).toMatchObject([{ id: otherReg.id, topics: ['room'], hub: expect.any(String) as unknown }]);
    await other.close();
    await watcher.waitForMessages(2);
    expect(presenceFrames(watcher).at(-1)).toMatchObject({ event: 'leave', client: { id: otherReg.id } });
  });
});
