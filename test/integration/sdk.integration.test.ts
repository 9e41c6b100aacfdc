/**
 * The device SDK (`relay-hub/client`) against a real hub on real sockets: publish and ack,
 * envelope deliveries, resubscribe on reconnect, graceful stop and restart, a half-open
 * connection found by the watchdog, re-registration after a 404, the stops (4000, 4001), and
 * publishes queued while offline. The SIGKILL and thundering-herd cases are in sdk-restart.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type ClientState, type RelayClient } from '../../client/index';
import { Device, nextEvent, postJson, rawRequest, register, startHub, type TestHub } from '../support/relay';
import { SwallowingProxy } from '../support/proxy';
import { sdkOptions, waitFor, waitForState } from '../support/sdk';

let hub: TestHub;
const clients: RelayClient[] = [];
const devices: Device[] = [];
beforeEach(async () => {
  hub = await startHub();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const device of devices.splice(0)) await device.close();
  await hub.relay.stop();
});

function client(options: Partial<Parameters<typeof connect>[0]> = {}): RelayClient {
  const created = connect({ ...sdkOptions(hub.port), ...options });
  clients.push(created);
  return created;
}

async function reader(userId = 99, topics = ['cats']): Promise<Device> {
  const device = await Device.join(hub, userId);
  devices.push(device);
  if (topics.join() !== 'cats') await device.setTopics(hub, topics);
  return device;
}

/** Stops the in-process relay and starts it again on the same port (registrations kept). */
async function restart(pauseMs = 0): Promise<void> {
  await hub.relay.stop();
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  await hub.relay.start({ port: hub.port });
}

describe('the device SDK', () => {
  it('registers, takes envelopes with their topic, and publishes with the hub’s receipt', async () => {
    const device = client({ userId: 3, topics: ['cats', 'dogs'] });
    const registered = new Promise<{ id: string }>((resolve) => device.once('registered', resolve));
    await waitForState(device, 'open');
    expect((await registered).id).toBe(device.id);
    const other = await reader();
    const got = new Promise((resolve) => device.once('message', resolve));
    await postJson(hub.port, '/publish', { topic: 'dogs', user_id: 3, message: 'woof' });
    expect(await got).toEqual({
      topic: 'dogs',
      message: 'woof',
      userId: 3,
      ts: expect.any(Number) as number,
      offset: 1,
      epoch: expect.any(String) as string,
    });
    expect(await device.publish('cats', 'from the SDK')).toMatchObject({ delivered: 1 });
    await other.waitForMessages(1);
    expect(other.messages).toEqual(['from the SDK']);
    expect(await device.publish('cats', 'echo', { echo: true })).toMatchObject({ delivered: 2 });
  });

  it('rejects a publish the hub refuses with the hub’s error code', async () => {
    const device = client();
    await waitForState(device, 'open');
    await expect(device.publish('', 'x')).rejects.toMatchObject({ name: 'RelayError', code: 'invalid_topic' });
    expect(device.state).toBe('open');
  });

  it('reuses a known registration id and resubscribes on every reconnect', async () => {
    const { id } = await register(hub.port, 4);
    const subscribed: string[][] = [];
    hub.relay.on((event) => {
      if (event.type === 'topics' && event.id === id) subscribed.push(event.topics);
    });
    const device = client({ userId: 4, id, topics: ['x'] });
    await waitForState(device, 'open');
    await restart();
    await waitFor(() => subscribed.length >= 2, 'a second subscription after the restart');
    expect(subscribed).toEqual([['x'], ['x']]);
    expect(device.id).toBe(id);
    const got = new Promise((resolve) => device.once('message', resolve));
    await postJson(hub.port, '/publish', { topic: 'x', message: 'after' });
    expect(await got).toMatchObject({ topic: 'x', message: 'after' });
  });

  it('comes back after the hub stops gracefully (1001), every client receiving again', async () => {
    const devicesUp = Array.from({ length: 20 }, (_, i) => client({ userId: i, reconnect: { baseMs: 50 } }));
    await Promise.all(devicesUp.map((d) => waitForState(d, 'open')));
    const states: ClientState[] = [];
    devicesUp[0]?.on('state', (state) => states.push(state));
    await restart(200);
    await Promise.all(devicesUp.map((d) => waitForState(d, 'open')));
    expect(states).toEqual(['reconnecting', 'open']);
    const got = devicesUp.map((d) => new Promise((resolve) => d.once('message', resolve)));
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'back' });
    expect(await Promise.all(got)).toHaveLength(20);
  });

  it('finds a half-open connection with its watchdog within 2× the watchdog interval', async () => {
    const proxy = await SwallowingProxy.start(hub.port);
    try {
      const heartbeatMs = 200;
      const device = client({ hub: `http://127.0.0.1:${proxy.port}`, heartbeatMs, reconnect: { baseMs: 20 } });
      await waitForState(device, 'open');
      await new Promise((resolve) => setTimeout(resolve, 3 * heartbeatMs)); // pings and pongs flow
      expect(device.state).toBe('open');
      proxy.swallow();
      const since = performance.now();
      await waitForState(device, 'reconnecting');
      const detectedMs = performance.now() - since;
      // The watchdog fires after 2 heartbeats of silence; allow twice that.
      expect(detectedMs).toBeLessThanOrEqual(2 * (2 * heartbeatMs));
      proxy.resume();
      await waitForState(device, 'open');
      const got = new Promise((resolve) => device.once('message', resolve));
      await postJson(hub.port, '/publish', { topic: 'cats', message: 'through again' });
      expect(await got).toMatchObject({ message: 'through again' });
    } finally {
      await proxy.close();
    }
  });

  it('registers again when the hub has forgotten its registration (404), and says so', async () => {
    const device = client({ userId: 5, topics: ['q'], reconnect: { baseMs: 20 } });
    await waitForState(device, 'open');
    const first = device.id;
    // A hub without a data dir restarted: a new relay on the same port knows no registration.
    await hub.relay.stop();
    hub = await startHub({ port: hub.port });
    const again = await new Promise<{ id: string }>((resolve) => device.once('registered', resolve));
    await waitForState(device, 'open');
    expect(again.id).not.toBe(first);
    expect(device.id).toBe(again.id);
    await waitFor(() => hub.relay.snapshot().clients[0]?.topics.join() === 'q', 'the new registration subscribed');
    expect(await device.publish('q', 'x', { echo: true })).toMatchObject({ delivered: 1 });
  });

  it('stops for good when the operator unregisters it (4000) and never registers again', async () => {
    const device = client({ reconnect: { baseMs: 10 } });
    await waitForState(device, 'open');
    const unregistered = new Promise((resolve) => device.once('unregistered', resolve));
    expect((await rawRequest(hub.port, 'DELETE', `/register/${device.id ?? ''}`)).status).toBe(200);
    expect(await unregistered).toEqual({ id: device.id, revoked: false });
    expect(device.state).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.relay.stats().registered).toBe(0);
    await expect(device.publish('cats', 'x')).rejects.toMatchObject({ code: 'closed' });
  });

  it('stops when another connection takes its registration (4001)', async () => {
    const device = client();
    await waitForState(device, 'open');
    const replaced = new Promise((resolve) => device.once('replaced', resolve));
    const url = `ws://127.0.0.1:${hub.port}/ws/${device.id ?? ''}`;
    devices.push(await Device.connect(url));
    await replaced;
    expect(device.state).toBe('closed');
  });

  it('queues publishes while offline and sends them in order on reconnect', async () => {
    const device = client({ reconnect: { baseMs: 20 } });
    await waitForState(device, 'open');
    await hub.relay.stop();
    await waitForState(device, 'reconnecting');
    const receipts = Array.from({ length: 20 }, (_, i) => device.publish('cats', `offline ${i}`));
    expect(device.queued).toBe(20);
    await hub.relay.start({ port: hub.port });
    // Every queued publish gets the hub's receipt once the SDK is back (how many sockets it
    // reached depends on who connected first after the restart: not asserted, it raced).
    const answered = await Promise.all(receipts);
    expect(answered.every((receipt) => typeof receipt.delivered === 'number')).toBe(true);
    // The hub took them in the order they were queued: the topic's history says so.
    const history = (await rawRequest(hub.port, 'GET', '/history/cats?limit=100')).json as {
      messages: { message: string }[];
    };
    const offline = history.messages.map((m) => m.message).filter((m) => m.startsWith('offline '));
    expect(offline).toEqual(Array.from({ length: 20 }, (_, i) => `offline ${i}`));
  });

  it('bounds the offline queue, dropping the oldest with an event and a rejection', async () => {
    const device = client({ queue: { maxMessages: 3 }, reconnect: { baseMs: 20 } });
    await waitForState(device, 'open');
    await hub.relay.stop();
    await waitForState(device, 'reconnecting');
    const dropped: string[] = [];
    device.on('dropped', ({ message }) => dropped.push(String(message)));
    const results = Array.from({ length: 5 }, (_, i) =>
      device.publish('cats', `m${i}`).then(
        () => 'sent',
        (error: { code: string }) => error.code,
      ),
    );
    expect(dropped).toEqual(['m0', 'm1']);
    await hub.relay.start({ port: hub.port });
    expect(await Promise.all(results)).toEqual(['queue_full', 'queue_full', 'sent', 'sent', 'sent']);
  });

  it('loads as relay-hub/client from the built package, with require and import', () => {
    const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'client'], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const cjs = spawnSync(process.execPath, ['-e', "console.log(typeof require('relay-hub/client').connect)"], {
      encoding: 'utf8',
    });
    const esm = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "import { connect } from 'relay-hub/client'; console.log(typeof connect)"],
      { encoding: 'utf8' },
    );
    expect([cjs.stdout.trim(), esm.stdout.trim()]).toEqual(['function', 'function']);
  });

  it('needs a WebSocket in Node and says how to give one', () => {
    expect(() => connect({ hub: 'http://127.0.0.1:1', userId: 1 })).toThrow(/import WebSocket from 'ws'/);
    expect(() => connect({ hub: 'http://127.0.0.1:1', userId: -1, WebSocket })).toThrow(/userId/);
  });
});

describe('a new registration', () => {
  it('is announced in the hub’s events like any other', async () => {
    const registered = nextEvent(hub.relay, 'registered');
    const device = client({ userId: 12 });
    expect((await registered).client.userId).toBe(12);
    await waitForState(device, 'open');
  });
});
