import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandName, CommandResult, HubSettings } from '../../shared/ipc';
import { createHubHost, type HubHost, type SettingsPersistence } from '../../electron/host/index';
import { settingsOf } from '../../electron/host/settings';
import { defaultRelayOptions } from '../../electron/relay/index';
import { Device, rawRequest, type TestHub } from '../support/relay';

let host: HubHost | null = null;
const devices: Device[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await host?.stop();
  host = null;
});

/** A settings store in memory (the desktop's conf file is tested in electron/main/settings.test.ts). */
function memoryStore(): SettingsPersistence & { saved: HubSettings; token: string | null; writes: number } {
  const store = {
    saved: { ...settingsOf(defaultRelayOptions), quitOnClose: false } as HubSettings,
    token: null as string | null,
    writes: 0,
    get: () => store.saved,
    set(patch: Partial<HubSettings>) {
      store.writes++;
      store.saved = { ...store.saved, ...patch };
      return store.saved;
    },
    setAccessToken(token: string | null) {
      store.token = token;
    },
  };
  return store;
}

async function startHost(settings: SettingsPersistence | null): Promise<HubHost & { port: number }> {
  host = createHubHost({
    relay: { host: '127.0.0.1', port: 0, heartbeatIntervalMs: 0, registerRatePerSec: 0, publishRatePerSec: 0 },
    settings,
  });
  const status = await host.start();
  const port = status.listen?.port ?? 0;
  expect(port).toBeGreaterThan(0);
  return Object.assign(host, { port });
}

async function run<K extends CommandName>(hub: HubHost, name: K, arg: unknown): Promise<CommandResult<K>> {
  return (await hub.handle(name, arg)) as CommandResult<K>;
}

function ok<K extends CommandName>(result: CommandResult<K>): Extract<CommandResult<K>, { ok: true }>['value'] {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const publish = (port: number, topic: string, token?: string) =>
  rawRequest(port, 'POST', '/publish', JSON.stringify({ topic, message: `to ${topic}` }), {
    'content-type': 'application/json',
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  });

async function join(hub: HubHost & { port: number }, userId: number, topics: string[], token?: string) {
  const auth = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await rawRequest(hub.port, 'POST', '/register', JSON.stringify({ user_id: userId }), {
    'content-type': 'application/json',
    ...auth,
  });
  expect(res.status).toBe(200);
  const device = await Device.connect((res.json as { url: string }).url);
  devices.push(device);
  const testHub: TestHub = { relay: hub.relay, port: hub.port, base: `http://127.0.0.1:${hub.port}` };
  await device.setTopics(testHub, topics);
  return device;
}

describe('settings from the GUI on a real relay', () => {
  it('applies a new topic length on the same port, saves it, and the real socket enforces it', async () => {
    const store = memoryStore();
    const hub = await startHost(store);
    expect((await publish(hub.port, 'a-rather-long-topic')).status).toBe(200);
    const before = await join(hub, 1, ['short']);

    const config = ok(await run(hub, 'setSettings', { maxTopicLength: 12, maxTopics: 2 }));
    expect(config).toMatchObject({ persisted: true, settings: { maxTopicLength: 12, maxTopics: 2 } });
    expect(store.saved).toMatchObject({ maxTopicLength: 12, maxTopics: 2 });
    // The restart closed device sockets ("going away"); the hub kept its port and registrations.
    expect(await before.closed()).toBe(1001);
    expect(hub.status()).toMatchObject({ state: 'running', error: null, listen: { port: hub.port } });
    expect(hub.relay.stats().registered).toBe(1);

    const refused = await publish(hub.port, 'a-rather-long-topic');
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { code: 'invalid_topic' } });
    expect((await publish(hub.port, 'short')).status).toBe(200);
    const device = await join(hub, 2, ['kitchen']);
    device.send(JSON.stringify({ topics: ['x'.repeat(13)] }));
    await device.waitForMessages(1);
    expect(JSON.parse(device.messages[0] ?? '{}')).toMatchObject({ error: { code: 'invalid_topics' } });
  });

  it('refuses maxConnections over the limit on the real socket after the change', async () => {
    const hub = await startHost(memoryStore());
    ok(await run(hub, 'setSettings', { maxConnections: 1 }));
    await join(hub, 1, ['a']);
    const res = await rawRequest(hub.port, 'POST', '/register', JSON.stringify({ user_id: 2 }), {
      'content-type': 'application/json',
    });
    const second = new WebSocket((res.json as { url: string }).url);
    const [, response] = (await once(second, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(503);
    second.on('error', () => undefined); // terminating a refused handshake reports it
    second.terminate();
  });

  it('applies nothing when the settings are invalid together or cannot listen, and says why', async () => {
    const store = memoryStore();
    const hub = await startHost(store);
    const device = await join(hub, 1, ['t']);
    // Everything but the port, which a hub on "any free port" pins to the one it has across restarts.
    const settingsNow = (): string =>
      JSON.stringify({ ...hub.config(), settings: { ...hub.config().settings, port: 0 } });
    const before = settingsNow();

    const unpaired = await run(hub, 'setSettings', { tlsCertFile: '/no/such/cert.pem', maxTopics: 3 });
    expect(unpaired).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    expect(!unpaired.ok && unpaired.error.message).toContain('tlsKeyFile');
    const origin = await run(hub, 'setSettings', { allowedOrigins: ['ftp//nope'] });
    expect(origin).toMatchObject({ ok: false, error: { code: 'invalid_body' } });
    // Nothing stopped: the device is still connected and receives.
    expect((await publish(hub.port, 't')).json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);

    // Valid on paper, but the server cannot start with these files: the previous server comes back.
    const missing = await run(hub, 'setSettings', { tlsCertFile: '/no/cert.pem', tlsKeyFile: '/no/key.pem' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    expect(!missing.ok && missing.error.message).toContain(`still listening on 127.0.0.1:${hub.port}`);
    expect(hub.status()).toMatchObject({ state: 'running', listen: { port: hub.port } });
    expect(settingsNow()).toBe(before);
    expect(store.writes).toBe(0);
    expect((await publish(hub.port, 't')).status).toBe(200);
  });

  it('a hub that could not listen keeps its previous options when new settings fail too', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const taken = (blocker.address() as AddressInfo).port;
    try {
      host = createHubHost({ relay: { host: '127.0.0.1', port: taken, heartbeatIntervalMs: 0 }, settings: null });
      expect((await host.start()).error?.code).toBe('EADDRINUSE');
      const refused = await run(host, 'setSettings', {
        maxTopics: 3,
        tlsCertFile: '/no/c.pem',
        tlsKeyFile: '/no/k.pem',
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
      expect(host.config().settings).toMatchObject({ maxTopics: 64, tlsCertFile: null, port: taken });
      expect(host.status().state).toBe('error');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rotates the token live: devices keep receiving, the old token gets 401, the new one 200, and it is saved', async () => {
    const store = memoryStore();
    const hub = await startHost(store);
    const device = await join(hub, 1, ['news']);
    const updates: boolean[] = [];
    hub.feed.subscribe((update) => updates.push(update.security.tokenRequired));

    const first = ok(await run(hub, 'rotateAccessToken', null)).token;
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(store.token).toBe(first);
    await expect.poll(() => updates.at(-1)).toBe(true); // the GUIs' badge follows
    expect((await publish(hub.port, 'news')).status).toBe(401);
    expect((await publish(hub.port, 'news', first)).json).toMatchObject({ delivered: 1 });

    const second = ok(await run(hub, 'rotateAccessToken', null)).token;
    expect(second).not.toBe(first);
    expect((await publish(hub.port, 'news', first)).status).toBe(401);
    expect((await publish(hub.port, 'news', second)).status).toBe(200);
    await device.waitForMessages(2);
    expect(device.closeCode).toBeNull();
    expect(ok(await run(hub, 'getAccessToken', null))).toEqual({ token: second });

    ok(await run(hub, 'setAccessToken', { token: 'my-own-token-0123456789' }));
    expect((await publish(hub.port, 'news', 'my-own-token-0123456789')).status).toBe(200);
    ok(await run(hub, 'setAccessToken', { token: null }));
    expect(store.token).toBeNull();
    expect((await publish(hub.port, 'news')).status).toBe(200);
    await device.waitForMessages(4);
    expect(device.closeCode).toBeNull();
    await expect.poll(() => updates.at(-1)).toBe(false);
  });

  it('on the headless hub (no store) applies settings and tokens until it stops, without saving', async () => {
    const hub = await startHost(null);
    const config = ok(await run(hub, 'setSettings', { maxTopicLength: 5 }));
    expect(config).toMatchObject({ persisted: false, dataDir: null, settings: { maxTopicLength: 5 } });
    expect((await publish(hub.port, 'sixsix')).status).toBe(400);
    expect(await run(hub, 'setSettings', { quitOnClose: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_settings' },
    });
    const { token } = ok(await run(hub, 'rotateAccessToken', null));
    expect((await publish(hub.port, 'five', token)).status).toBe(200);
    expect(hub.feed.init().security.tokenRequired).toBe(true);
  });
});
