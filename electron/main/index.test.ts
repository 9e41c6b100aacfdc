import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommandResult, HubConfig, HubInit, HubStatus } from '../../shared/ipc';

// The shell's wiring with Electron stubbed (the one allowed stub); the relay, settings file and
// sockets behind it are real. The stub records what main does with windows, IPC and the tray.
const fake = vi.hoisted(() => {
  type Handler = (event: unknown, arg: unknown) => Promise<unknown>;
  const state = {
    handlers: new Map<string, Handler>(),
    windows: [] as { emit: (name: string, event: unknown) => void; webContents: Record<string, unknown> }[],
    sent: [] as string[],
    tooltips: [] as string[],
    /** Calls of `hide()` on any window. */
    hidden: 0,
    quitted: null as null | (() => void),
    userData: '',
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { pathToFileURL } = await import('node:url');
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    getVersion: () => '0.1.0',
    whenReady: () => Promise.resolve(),
    getPath: () => fake.userData,
    setPath: () => undefined,
    requestSingleInstanceLock: () => true,
    exit: () => undefined,
    quit() {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      app.emit('before-quit', event);
      if (!event.prevented) fake.quitted?.();
    },
  });
  class BrowserWindow extends Emitter {
    readonly webContents = Object.assign(new Emitter(), {
      mainFrame: null as null | { url: string },
      setWindowOpenHandler: () => undefined,
      isDestroyed: () => false,
      send: (channel: string) => fake.sent.push(channel),
    });
    constructor() {
      super();
      fake.windows.push(this as never);
    }
    loadFile(path: string): Promise<void> {
      this.webContents.mainFrame = { url: pathToFileURL(path).href };
      return Promise.resolve();
    }
    isDestroyed = (): boolean => false;
    isMinimized = (): boolean => false;
    show = (): void => undefined;
    focus = (): void => undefined;
    hide = (): void => void fake.hidden++;
  }
  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, arg: unknown) => Promise<unknown>) =>
        fake.handlers.set(channel, fn),
      removeHandler: (channel: string) => fake.handlers.delete(channel),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => undefined },
        setPermissionRequestHandler: () => undefined,
      },
    },
    shell: { openExternal: () => Promise.resolve() },
    nativeImage: { createFromPath: () => ({ isEmpty: () => true }), createEmpty: () => ({}) },
    Tray: class {
      on = (): void => undefined;
      setToolTip = (text: string): void => void fake.tooltips.push(text);
      setContextMenu = (): void => undefined;
      destroy = (): void => undefined;
    },
    Menu: { buildFromTemplate: (template: unknown) => template },
    // No keychain here: the token is saved in plain text, as on a Linux desktop without a secret service.
    safeStorage: { isEncryptionAvailable: () => false },
  };
});

let blocker: Server;
let taken = 0;
const saved = { ...process.env };

beforeAll(async () => {
  blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  taken = (blocker.address() as { port: number }).port;
  fake.userData = mkdtempSync(join(tmpdir(), 'relay-hub-main-'));
  process.env.RELAY_HUB_HOST = '127.0.0.1';
  process.env.RELAY_HUB_PORT = String(taken);
  // The desktop app announces itself over mDNS by default: never on this machine's real network.
  process.env.RELAY_HUB_MDNS = '0';
  // Nor on the MQTT ports 1883 and 8883 the desktop app opens by default.
  process.env.RELAY_HUB_MQTT_PORT = 'off';
  process.env.RELAY_HUB_MQTTS_PORT = 'off';
  delete process.env.RELAY_HUB_HEADLESS;
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => blocker.close(resolve));
});

async function command<T>(
  name: string,
  arg: unknown,
  frameUrl?: string,
): Promise<CommandResult<never> & { value?: T }> {
  const window = fake.windows[0];
  if (!window) throw new Error('no window');
  const contents = window.webContents as { mainFrame: { url: string } };
  const frame = frameUrl === undefined ? contents.mainFrame : { url: frameUrl };
  const handler = fake.handlers.get(`relay-hub:${name}`);
  if (!handler) throw new Error(`no handler for ${name}`);
  return (await handler({ sender: window.webContents, senderFrame: frame }, arg)) as CommandResult<never> & {
    value?: T;
  };
}

describe('main process', () => {
  it('shows EADDRINUSE, restarts on another port from the window, hides on close and stops on quit', async () => {
    await import('./index');
    await vi.waitFor(() => expect(fake.tooltips.at(-1)).toContain(`port ${taken} is already in use`));
    expect(fake.windows).toHaveLength(1);

    const init = await command<HubInit>('getInit', null);
    expect(init.value?.status).toMatchObject({ state: 'error', error: { code: 'EADDRINUSE' } });
    expect(init.value?.config).toMatchObject({ persisted: true, dataDir: fake.userData });
    expect(init.value?.config.settings).toMatchObject({ host: '127.0.0.1', port: taken, quitOnClose: false });
    expect(init.value?.security).toEqual({ tokenRequired: false, originsRestricted: false, tls: false });

    const restarted = await command<HubStatus>('restart', { host: '127.0.0.1', port: 0 });
    expect(restarted.value?.state).toBe('running');
    const port = restarted.value?.listen?.port ?? 0;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    await vi.waitFor(() => expect(fake.sent).toContain('relay-hub:update'));

    const refused = await command('register', { user_id: 1 }, 'https://evil.example/');
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Token and settings changed from the window are saved in the user-data folder for the next launch.
    const rotated = await command<{ token: string }>('rotateAccessToken', null);
    const token = rotated.value?.token ?? '';
    expect(token).toMatch(/^[\w-]{43}$/);
    const publish = (auth: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/publish`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: auth },
        body: JSON.stringify({ topic: 't', message: 'm' }),
      });
    expect((await publish('Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await publish(`Bearer ${token}`)).status).toBe(200);
    const applied = await command<HubConfig>('setSettings', { maxTopicLength: 12 });
    expect(applied.value?.settings.maxTopicLength).toBe(12);
    const file = JSON.parse(readFileSync(join(fake.userData, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ host: '127.0.0.1', port: 0, maxTopicLength: 12, accessToken: { plain: token } });

    const close = { prevented: false, preventDefault: () => (close.prevented = true) };
    expect(fake.hidden).toBe(0);
    fake.windows[0]?.emit('close', close);
    expect(close.prevented).toBe(true); // the window is not destroyed…
    expect(fake.hidden).toBe(1); // …but hidden: the hub stays in the tray

    const { app } = await import('electron');
    const quitted = new Promise<void>((resolve) => (fake.quitted = resolve));
    app.quit();
    await quitted;
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
