import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandName, CommandResult, HubSettings } from '../../../shared/ipc';
import { commandNames } from '../../../shared/ipc';
import { createCommandHandler, deviceSocketUrl, type CommandHandler } from './commands';
import { createHubFeed, type HubFeed } from '../feed/feed';
import { createHubHost, type HubHost } from '../host';
import { settingsOf } from '../settings';
import { defaultRelayOptions } from '../../relay/core/options';
import { lanIPv4Addresses } from '../../relay/index';
import { Device, rawRequest, startHub, type TestHub } from '../../../test/support/relay';

let hub: TestHub | null = null;
let feed: HubFeed | null = null;
let host: HubHost | null = null;
let blocker: Server | null = null;
const devices: Device[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  feed?.close();
  await hub?.relay.stop();
  await host?.stop();
  if (blocker) await new Promise((resolve) => blocker?.close(resolve));
  hub = feed = host = blocker = null;
});

async function setup(): Promise<{ hub: TestHub; handle: CommandHandler }> {
  hub = await startHub();
  const relay = hub.relay;
  feed = createHubFeed(relay, { status: () => ({ state: 'running', listen: relay.address(), error: null }) });
  return { hub, handle: createCommandHandler(relay, feed) };
}

function value<K extends CommandName>(result: CommandResult<CommandName>, _name: K): CommandResult<K> & { ok: true } {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result as CommandResult<K> & { ok: true };
}

/** Occupies a port on 127.0.0.1 (what another program would do). */
async function occupy(): Promise<number> {
  blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  return (blocker.address() as { port: number }).port;
}

describe('createCommandHandler', () => {
  it('registers a device whose URL works, publishes to it and unregisters it', async () => {
    const { hub, handle } = await setup();
    const registered = value(await handle('register', { user_id: 5 }), 'register').value;
    expect(registered.url).toBe(`ws://127.0.0.1:${hub.port}/ws/${registered.id}`);
    const device = await Device.connect(registered.url);
    devices.push(device);

    const receipt = value(await handle('publish', { topic: 'cats', message: 'hello' }), 'publish').value;
    expect(receipt).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['hello']);
    expect(value(await handle('publish', { topic: 'cats', user_id: 6, message: 'x' }), 'publish').value).toMatchObject({
      delivered: 0,
    });

    const init = value(await handle('getInit', null), 'getInit').value;
    expect(init.clients.map((c) => c.id)).toEqual([registered.id]);
    expect(init.status.state).toBe('running');

    const closed = device.closed();
    expect(value(await handle('unregister', { id: registered.id }), 'unregister').value).toEqual({
      removed: true,
      id: registered.id,
    });
    expect(await closed).toBe(4000);
    expect(value(await handle('unregister', { id: registered.id }), 'unregister').value.removed).toBe(false);
  });

  it('unregisters every registration of a user', async () => {
    const { hub, handle } = await setup();
    hub.relay.register(9);
    hub.relay.register(9);
    hub.relay.register(10);
    expect(value(await handle('unregisterUser', { userId: 9 }), 'unregisterUser').value).toEqual({ removed: 2 });
    expect(hub.relay.stats().registered).toBe(1);
  });

  it('refuses unknown commands and bad arguments with stable codes, never throwing', async () => {
    const { hub, handle } = await setup();
    const cases: [unknown, unknown, string][] = [
      ['nope', null, 'unknown_command'],
      [42, null, 'unknown_command'],
      ['__proto__', null, 'unknown_command'],
      ['getInit', { x: 1 }, 'invalid_body'],
      ['register', { user_id: -1 }, 'invalid_user_id'],
      ['register', 'x', 'invalid_body'],
      ['unregister', { id: '../etc' }, 'invalid_body'],
      ['unregisterUser', { userId: 1.5 }, 'invalid_user_id'],
      ['unregisterUser', null, 'invalid_body'],
      ['publish', { topic: '', message: 'x' }, 'invalid_topic'],
      ['publish', { topic: 'cats', message: 7 }, 'invalid_message'],
      [
        'publish',
        { topic: 'cats', message: 'é'.repeat(hub.relay.options.maxMessageBytes / 2 + 1) },
        'message_too_large',
      ],
      ['restart', { host: '0.0.0.0', port: 70000 }, 'invalid_body'],
      ['restart', { host: '127.0.0.1', port: 0 }, 'unavailable'],
      ['setSettings', { quitOnClose: 'no' }, 'invalid_body'],
      ['setSettings', { quitOnClose: true }, 'unavailable'],
      ['setSettings', { maxTopicLength: 0 }, 'invalid_body'],
      ['setSettings', { allowedOrigins: 'https://a.example' }, 'invalid_body'],
      ['setAccessToken', { token: 'short' }, 'invalid_body'],
      ['setAccessToken', { token: 'has a space in it, 16+' }, 'invalid_body'],
      ['setAccessToken', {}, 'invalid_body'],
      ['rotateAccessToken', { token: 'x' }, 'invalid_body'],
      ['nextClientPage', { id: 0 }, 'invalid_body'],
      ['nextClientPage', { id: '1' }, 'invalid_body'],
      ['nextClientPage', { id: 1.5 }, 'invalid_body'],
      ['nextTopicPage', { id: -1 }, 'invalid_body'],
    ];
    for (const [name, arg, code] of cases) {
      const result = await handle(name, arg);
      expect(result, `${String(name)} ${JSON.stringify(arg)?.slice(0, 40)}`).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    expect(hub.relay.stats()).toMatchObject({ registered: 0, published: 0 });
  });

  it('answers every command name with its own handler', async () => {
    const { hub, handle } = await setup();
    // With no argument: the commands that take none answer, the others refuse the missing argument.
    const expected: Record<CommandName, unknown> = {
      getInit: { ok: true, value: { clients: [], status: { state: 'running' } } },
      nextClientPage: { ok: false, error: { code: 'invalid_body' } },
      nextTopicPage: { ok: false, error: { code: 'invalid_body' } },
      register: { ok: false, error: { code: 'invalid_body' } },
      unregister: { ok: false, error: { code: 'invalid_body' } },
      unregisterUser: { ok: false, error: { code: 'invalid_body' } },
      publish: { ok: false, error: { code: 'invalid_body' } },
      restart: { ok: false, error: { code: 'invalid_body' } },
      setSettings: { ok: false, error: { code: 'invalid_body' } },
      getAccessToken: { ok: true, value: { token: null } },
      rotateAccessToken: { ok: true, value: { token: expect.stringMatching(/^[\w-]{43}$/) as unknown } },
      setAccessToken: { ok: false, error: { code: 'invalid_body' } },
      watchMessages: { ok: false, error: { code: 'unavailable' } }, // no update listener on this handler
      clientDetail: { ok: false, error: { code: 'invalid_body' } },
      listKeys: { ok: true, value: { keys: [] } },
      createKey: { ok: false, error: { code: 'invalid_body' } },
      revokeKey: { ok: false, error: { code: 'invalid_body' } },
      pairDevice: { ok: false, error: { code: 'invalid_body' } },
      removeDisconnected: { ok: false, error: { code: 'invalid_body' } },
      getStreams: { ok: true, value: { streams: [] } },
      getHistory: { ok: false, error: { code: 'invalid_body' } },
      watchTopics: { ok: false, error: { code: 'invalid_body' } },
      clearRetained: { ok: false, error: { code: 'invalid_body' } },
      clearHistory: { ok: false, error: { code: 'invalid_body' } },
      listWebhooks: { ok: true, value: { webhooks: [] } },
      addWebhook: { ok: false, error: { code: 'invalid_body' } },
      removeWebhook: { ok: false, error: { code: 'invalid_body' } },
      testWebhook: { ok: false, error: { code: 'invalid_body' } },
      savePayload: { ok: false, error: { code: 'unavailable' } }, // a handler without the host's list
      deletePayload: { ok: false, error: { code: 'unavailable' } },
      renamePayload: { ok: false, error: { code: 'unavailable' } },
      exportBegin: { ok: false, error: { code: 'unavailable' } }, // no export files outside the desktop app
      exportWrite: { ok: false, error: { code: 'unavailable' } }, // no export files outside the desktop app
      exportEnd: { ok: false, error: { code: 'unavailable' } }, // no export files outside the desktop app
      checkForUpdates: { ok: false, error: { code: 'unavailable' } }, // the desktop app's own
    };
    expect(Object.keys(expected).sort()).toEqual(Object.keys(commandNames).sort());
    for (const [name, answer] of Object.entries(expected)) {
      expect(await handle(name, null), name).toMatchObject(answer as object);
    }
    // The rotated token is the one now required.
    const current = value(await handle('getAccessToken', null), 'getAccessToken').value;
    expect(current).toEqual({ token: hub.relay.options.accessToken });
    expect(hub.relay.options.accessToken).toMatch(/^[\w-]{43}$/);
  });

  it('adds, lists, tests and removes a webhook', async () => {
    const { handle } = await setup();
    const added = value(await handle('addWebhook', { url: 'http://127.0.0.1:9/', filters: ['a/#'] }), 'addWebhook');
    expect(added.value).toMatchObject({ url: 'http://127.0.0.1:9/', filters: ['a/#'], signed: false, backlog: 0 });
    const { id } = added.value;
    expect(await handle('listWebhooks', null)).toMatchObject({ ok: true, value: { webhooks: [{ id }] } });
    // Nothing listens on port 9: no answer.
    expect(await handle('testWebhook', { id })).toMatchObject({ ok: true, value: { status: 0 } });
    expect(await handle('removeWebhook', { id })).toMatchObject({ ok: true, value: { removed: true, id } });
    expect(await handle('removeWebhook', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await handle('addWebhook', { url: 'file:///etc/passwd', filters: ['#'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_body' },
    });
  });

  it('pairs a device on a device URL of the hub, lists its key with the registration, and revokes it (4003)', async () => {
    const { hub, handle } = await setup();
    const scope = { name: 'Alice phone', user_id: 3, subscribe: ['chat'], expires_in_ms: 3_600_000 };
    const paired = value(await handle('pairDevice', scope), 'pairDevice').value;
    expect(paired.link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${hub.port}/device#pair=[\\w-]{16,64}$`));
    expect(paired.board).toEqual({ hub: hub.base, key: paired.secret, user_id: 3, name: 'Alice phone' });
    expect(paired.key).toMatchObject({ name: 'Alice phone', users: [3], subscribe: ['chat'], publish: ['chat'] });
    expect(paired.key.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(paired.expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);

    // The board's snippet works: it registers with the key under its name and connects.
    const registered = await rawRequest(
      hub.port,
      'POST',
      '/register',
      JSON.stringify({ user_id: 3, name: 'Alice phone' }),
      { 'content-type': 'application/json', authorization: `Bearer ${paired.secret}` },
    );
    expect(registered.status).toBe(200);
    const device = await Device.connect((registered.json as { url: string }).url);
    devices.push(device);
    const [listed] = value(await handle('listKeys', null), 'listKeys').value.keys;
    expect(listed).toMatchObject({ id: paired.key.id, registrations: 1, revokedAt: null });
    expect(listed?.lastUsedAt).not.toBeNull();

    const closed = device.closed();
    expect(value(await handle('revokeKey', { id: paired.key.id }), 'revokeKey').value).toEqual({
      id: paired.key.id,
      revoked: true,
      removed: 1,
    });
    expect(await closed).toBe(4003);
    const after = value(await handle('listKeys', null), 'listKeys').value.keys[0];
    expect(after).toMatchObject({ registrations: 0 });
    expect(after?.revokedAt).not.toBeNull();
    expect(value(await handle('revokeKey', { id: paired.key.id }), 'revokeKey').value.revoked).toBe(false);

    // A link only on an address the hub gives devices.
    expect(await handle('pairDevice', { ...scope, base: 'http://evil.example' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_body' },
    });
    const onBase = value(await handle('pairDevice', { ...scope, base: hub.base }), 'pairDevice').value;
    expect(onBase.link.startsWith(`${hub.base}/device#pair=`)).toBe(true);
    const created = value(
      await handle('createKey', { name: 'greenhouse', users: [7, 8], subscribe: ['sensors/*'], publish: [] }),
      'createKey',
    ).value;
    expect(created.secret).toMatch(new RegExp(`^rhk_${created.key.id}_`));
    expect(created.key).toMatchObject({ users: [7, 8], subscribe: ['sensors/*'], publish: [], expiresAt: null });
    expect(value(await handle('listKeys', null), 'listKeys').value.keys).toHaveLength(3);
  });

  it('links a pairing to an address devices can reach: a LAN address, not loopback, on a hub on every interface', async () => {
    hub = await startHub({ host: '0.0.0.0' });
    feed = createHubFeed(hub.relay, { status: () => ({ state: 'running', listen: null, error: null }) });
    const handle = createCommandHandler(hub.relay, feed);
    const urls = hub.relay.address()?.urls ?? [];
    const paired = value(await handle('pairDevice', { name: 'p', user_id: 1, subscribe: ['a'] }), 'pairDevice').value;
    expect(paired.link.startsWith(`${urls[0]}/device#pair=`)).toBe(true);
    expect(paired.board.hub).toBe(urls[0]);
    if (lanIPv4Addresses().length > 0) expect(paired.board.hub).not.toContain('127.0.0.1');
    expect(urls).toEqual(
      lanIPv4Addresses().length > 0
        ? lanIPv4Addresses().map((a) => `http://${a}:${hub?.port}`)
        : [`http://127.0.0.1:${hub.port}`],
    );
  });

  it('links a pairing to the public URL when the hub has one', async () => {
    hub = await startHub({ publicUrl: 'https://hub.example.org' });
    feed = createHubFeed(hub.relay, { status: () => ({ state: 'running', listen: null, error: null }) });
    const handle = createCommandHandler(hub.relay, feed);
    const paired = value(await handle('pairDevice', { name: 'p', user_id: 1, subscribe: ['a'] }), 'pairDevice').value;
    expect(paired.link).toMatch(/^https:\/\/hub\.example\.org\/device#pair=/);
    expect(paired.board.hub).toBe('https://hub.example.org');
  });

  it('removes the registrations disconnected for at least the time asked, and no connected one', async () => {
    const { hub, handle } = await setup();
    hub.relay.register(1);
    hub.relay.register(2);
    const live = await Device.join(hub, 3);
    devices.push(live);
    expect(
      value(await handle('removeDisconnected', { disconnectedForMs: 60_000 }), 'removeDisconnected').value,
    ).toEqual({ removed: 0 });
    expect(value(await handle('removeDisconnected', { disconnectedForMs: 0 }), 'removeDisconnected').value).toEqual({
      removed: 2,
    });
    expect(hub.relay.snapshot().clients.map((c) => c.id)).toEqual([live.id]);
    expect(await handle('removeDisconnected', { disconnectedForMs: -1 })).toMatchObject({ ok: false });
  });

  it('publishes bytes sent as base64, keeps a retained message, and shows and clears a topic’s stream', async () => {
    const { hub, handle } = await setup();
    const device = await Device.join(hub, 1);
    devices.push(device);
    await device.setTopics(hub, ['cam']);
    const bytes = Buffer.from([0, 1, 0xfe, 0xff, 0x7b]);
    const receipt = value(
      await handle('publish', { topic: 'cam', message: bytes.toString('base64'), encoding: 'base64' }),
      'publish',
    ).value;
    expect(receipt).toMatchObject({ delivered: 1, offset: 1 });
    await device.waitForFrames(1);
    expect(device.frames[0]).toEqual({ binary: true, data: bytes });
    expect(await handle('publish', { topic: 'cam', message: 'not base64!', encoding: 'base64' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    const long = `{"state": "${'x'.repeat(400)}"}`;
    value(await handle('publish', { topic: 'cam', message: long, retain: true }), 'publish');

    const [stream] = value(await handle('getStreams', null), 'getStreams').value.streams;
    expect(stream).toMatchObject({ topic: 'cam', lastOffset: 2, size: 2 });
    expect(stream?.retained).toMatchObject({ bytes: long.length, truncated: true });
    expect(stream?.retained?.message).toBe(long.slice(0, 256));
    const history = value(await handle('getHistory', { topic: 'cam', since: 0, limit: 10 }), 'getHistory').value;
    expect(history.messages.map((m) => [m.offset, m.message, m.encoding])).toEqual([
      [1, bytes.toString('base64'), 'base64'],
      [2, long, undefined],
    ]);
    expect(value(await handle('getHistory', { topic: 'cam', since: 1 }), 'getHistory').value.messages).toHaveLength(1);
    expect(await handle('getHistory', { topic: 'never' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await handle('getHistory', { topic: 'cam', limit: 1001 })).toMatchObject({ ok: false });

    expect(value(await handle('clearRetained', { topic: 'cam' }), 'clearRetained').value).toEqual({
      topic: 'cam',
      removed: true,
    });
    expect(value(await handle('clearHistory', { topic: 'cam' }), 'clearHistory').value).toEqual({
      topic: 'cam',
      removed: 2,
    });
    const [cleared] = value(await handle('getStreams', null), 'getStreams').value.streams;
    expect(cleared).toMatchObject({ topic: 'cam', size: 0, retained: null, lastOffset: 2 });
  });

  it('reports a hub that is not listening instead of inventing a device URL', async () => {
    const { hub, handle } = await setup();
    await hub.relay.stop();
    expect(await handle('register', { user_id: 1 })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await handle('pairDevice', { name: 'x', user_id: 1, subscribe: [] })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('builds device URLs from http and https base URLs', () => {
    expect(deviceSocketUrl('http://192.168.1.20:8000', 'ab')).toBe('ws://192.168.1.20:8000/ws/ab');
    expect(deviceSocketUrl('https://hub.example/', 'ab')).toBe('wss://hub.example/ws/ab');
  });
});

describe('createHubHost', () => {
  it('shows EADDRINUSE as an error status, then restarts on another port without a new process', async () => {
    const taken = await occupy();
    let saved: HubSettings = {
      ...settingsOf(defaultRelayOptions),
      host: '127.0.0.1',
      port: taken,
      quitOnClose: false,
      checkForUpdates: false,
    };
    host = createHubHost({
      relay: { host: '127.0.0.1', port: taken, heartbeatIntervalMs: 0 },
      settings: { get: () => saved, set: (patch) => (saved = { ...saved, ...patch }) },
    });
    const failed = await host.start();
    expect(failed).toMatchObject({ state: 'error', listen: null, error: { code: 'EADDRINUSE' } });
    expect(failed.error?.message).toContain(String(taken));

    const init = value(await host.handle('getInit', null), 'getInit').value;
    expect(init.status.state).toBe('error');
    expect(init.config).toMatchObject({ persisted: true, dataDir: null });
    expect(init.config.settings).toMatchObject({ host: '127.0.0.1', port: taken });

    const restarted = value(await host.handle('restart', { host: '127.0.0.1', port: 0 }), 'restart').value;
    expect(restarted.state).toBe('running');
    expect(restarted.error).toBeNull();
    const port = restarted.listen?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    expect(saved).toMatchObject({ host: '127.0.0.1', port: 0 });

    const registered = value(await host.handle('register', { user_id: 1 }), 'register').value;
    expect(registered.url).toBe(`ws://127.0.0.1:${port}/ws/${registered.id}`);
    devices.push(await Device.connect(registered.url));

    // A restart onto a taken port keeps the hub where it was and says why.
    const refused = value(await host.handle('restart', { host: '127.0.0.1', port: taken }), 'restart').value;
    expect(refused).toMatchObject({ state: 'running', error: { code: 'EADDRINUSE' } });
    expect(refused.listen?.port).toBe(port);
    expect(refused.error?.message).toContain(`still listening on 127.0.0.1:${port}`);

    // Two restarts at once run one after the other and both end listening.
    const [a, b] = await Promise.all([
      host.handle('restart', { host: '127.0.0.1', port: 0 }),
      host.handle('restart', { host: '127.0.0.1', port: 0 }),
    ]);
    expect(value(a, 'restart').value.state).toBe('running');
    expect(value(b, 'restart').value.listen).toEqual(host.relay.address());

    const config = value(await host.handle('setSettings', { quitOnClose: true }), 'setSettings').value;
    expect(config.settings).toMatchObject({ host: '127.0.0.1', port: 0, quitOnClose: true });
    expect(saved.quitOnClose).toBe(true);
  });
});
