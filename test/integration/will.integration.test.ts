/**
 * The last will of WebSocket devices: published for a device whose connection ends other than
 * with a normal close (its socket destroyed, its heartbeat dead), exactly like a publish from it
 * (its key's scope, retain); never after a normal close 1000, nor once cleared.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../client/index';
import { Device, nextEvent, postJson, register, startHub, type TestHub } from '../support/relay';
import { SwallowingProxy } from '../support/proxy';
import { sdkOptions, waitForState } from '../support/sdk';

let hub: TestHub | null = null;
const devices: Device[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  await hub?.relay.stop();
  hub = null;
});

/** A device of user `userId` listening to `status`. */
async function listener(userId: number): Promise<Device> {
  const device = await Device.join(hub as TestHub, userId);
  devices.push(device);
  await device.setTopics(hub as TestHub, ['status']);
  return device;
}

/** A device that leaves `will` (its socket options: e.g. no automatic pongs). */
async function withWill(userId: number, will: unknown, options = {}): Promise<Device & { id: string }> {
  const h = hub as TestHub;
  const { url, id } = await register(h.port, userId);
  const device = Object.assign(await Device.connect(url, options), { id });
  devices.push(device);
  // The will frame is answered by nothing; a ping after it proves it was read.
  device.send(JSON.stringify({ will }));
  device.send(JSON.stringify({ ping: 'after-will' }));
  await device.waitForMessages(1);
  expect(device.messages).toEqual(['{"pong":"after-will"}']);
  return device;
}

const will = (text: string, retain = false) => ({ topic: 'status', message: text, retain });

describe('the last will', () => {
  it('is published when the socket is destroyed, as a publish from the device (retained when asked)', async () => {
    hub = await startHub();
    const status = await listener(1);
    const device = await withWill(2, will('2 went away', true));
    const published = nextEvent(hub.relay, 'published', (event) => event.topic === 'status');
    (device.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    const event = await published;
    expect(event).toMatchObject({ origin: 'device', clientId: device.id });
    await status.waitForMessages(1);
    expect(status.messages).toEqual(['2 went away']);
    expect(hub.relay.streams().find((s) => s.topic === 'status')?.retained?.message).toBe('2 went away');
  });

  it('is published when the heartbeat cuts a device that stopped answering', async () => {
    hub = await startHub({ heartbeatIntervalMs: 40 });
    const status = await listener(1);
    await withWill(2, will('2 timed out'), { autoPong: false });
    await status.waitForMessages(1);
    expect(status.messages).toEqual(['2 timed out']);
    expect(hub.relay.stats().heartbeatTerminations).toBe(1);
  });

  it('is not published after a normal close, nor once cleared with {"will": null}', async () => {
    hub = await startHub();
    const status = await listener(1);
    const normal = await withWill(2, will('must not come'));
    normal.ws.close(1000);
    expect(await normal.closed()).toBe(1000);
    // A browser's plain close() sends a close frame without a code: the device's own close too.
    const plain = await withWill(4, will('must not come'));
    await plain.close();
    const cleared = await withWill(3, will('must not come either'));
    cleared.send(JSON.stringify({ will: null }));
    cleared.send(JSON.stringify({ ping: 'cleared' }));
    await cleared.waitForMessages(2);
    (cleared.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await nextEvent(hub.relay, 'disconnected', (event) => event.id === cleared.id);
    await postJson(hub.port, '/publish', { topic: 'status', message: 'marker' });
    await status.waitForMessages(1);
    expect(status.messages).toEqual(['marker']);
  });

  it('is set by the SDK option on every connect: a cut network publishes it, close() does not', async () => {
    hub = await startHub();
    const status = await listener(1);
    const proxy = await SwallowingProxy.start(hub.port);
    const sdk = connect({ ...sdkOptions(proxy.port), userId: 2, will: { topic: 'status', message: 'sdk lost' } });
    try {
      await waitForState(sdk, 'open');
      await sdk.publish('elsewhere', 'will frame read');
      proxy.cut();
      await status.waitForMessages(1);
      await waitForState(sdk, 'open');
      await sdk.publish('elsewhere', 'set again');
      sdk.close();
      await nextEvent(hub.relay, 'disconnected', (event) => event.userId === 2);
      await postJson(hub.port, '/publish', { topic: 'status', message: 'marker' });
      await status.waitForMessages(2);
      expect(status.messages).toEqual(['sdk lost', 'marker']);
    } finally {
      sdk.close();
      await proxy.close();
    }
  });

  it("refuses a will outside the device key's publish scope, and a malformed one", async () => {
    const token = 'will-access-token-0123456789';
    hub = await startHub({ accessToken: token });
    const key = await postJson(hub.port, '/keys', { name: 'k', users: [5], subscribe: ['*'], publish: ['own/*'] });
    expect(key.status).toBe(401);
    const created = await fetch(`${hub.base}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'k', users: [5], subscribe: ['*'], publish: ['own/*'] }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const registered = await fetch(`${hub.base}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 5 }),
    });
    const { url } = (await registered.json()) as { url: string };
    const device = await Device.connect(url);
    devices.push(device);
    device.send(JSON.stringify({ will: will('not mine') }));
    device.send(JSON.stringify({ will: { topic: '' } }));
    device.send(JSON.stringify({ will: { topic: 'own/x', message: 'fine' } }));
    device.send(JSON.stringify({ ping: 1 }));
    await device.waitForMessages(3);
    const frames = device.messages.map((m) => JSON.parse(m) as { error?: { code: string } });
    expect(frames.map((f) => f.error?.code ?? 'pong')).toEqual(['forbidden', 'invalid_topic', 'pong']);
  });
});
