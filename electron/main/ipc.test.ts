import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { commandNames, ipcChannel, type HubUpdate } from '../../shared/ipc';
import { createHubHost, type HubHost } from '../host/index';
import { isTrustedSender, registerIpc } from './ipc';

type Handler = (event: IpcMainInvokeEvent, arg: unknown) => unknown;
const handlers = vi.hoisted(() => new Map<string, (event: unknown, arg: unknown) => unknown>());

// The only stub allowed: Electron itself, for the shell's wiring.
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn as (event: unknown, arg: unknown) => unknown);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const pageUrl = 'file:///opt/relay-hub/dist/renderer/index.html';

function fakeWindow(url = pageUrl): { window: BrowserWindow; sent: HubUpdate[] } {
  const sent: HubUpdate[] = [];
  const mainFrame = { url } as WebFrameMain;
  const webContents = {
    mainFrame,
    isDestroyed: () => false,
    send: (channel: string, update: HubUpdate) => {
      if (channel === ipcChannel.update) sent.push(update);
    },
  } as unknown as WebContents;
  return { window: { isDestroyed: () => false, webContents } as unknown as BrowserWindow, sent };
}

function eventFrom(
  window: BrowserWindow,
  frame: WebFrameMain | null = window.webContents.mainFrame,
): IpcMainInvokeEvent {
  return { sender: window.webContents, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

let host: HubHost | null = null;
let dispose: (() => void) | null = null;
afterEach(async () => {
  dispose?.();
  await host?.stop();
  host = null;
  dispose = null;
});

async function setup(window: BrowserWindow | null): Promise<HubHost> {
  host = createHubHost({ relay: { host: '127.0.0.1', port: 0, heartbeatIntervalMs: 0 }, feed: { intervalMs: 10 } });
  await host.start();
  const current = host;
  dispose = registerIpc({ handler: current.handle, feed: current.feed, window: () => window, pageUrl });
  return current;
}

async function invoke(name: string, event: IpcMainInvokeEvent, arg: unknown): Promise<unknown> {
  const handler = handlers.get(ipcChannel.command(name as keyof typeof commandNames));
  if (!handler) throw new Error(`no handler for ${name}`);
  return await handler(event, arg);
}

describe('registerIpc', () => {
  it('registers exactly one handler per command name and removes them on dispose', async () => {
    const { window } = fakeWindow();
    await setup(window);
    const expected = Object.keys(commandNames).map((name) => `relay-hub:${name}`);
    expect([...handlers.keys()].sort()).toEqual(expected.sort());
    dispose?.();
    dispose = null;
    expect(handlers.size).toBe(0);
  });

  it('runs commands from the main window and pushes updates to it', async () => {
    const { window, sent } = fakeWindow();
    const hub = await setup(window);
    const answer = (await invoke('register', eventFrom(window), { user_id: 3 })) as {
      ok: boolean;
      value: { url: string };
    };
    expect(answer.ok).toBe(true);
    expect(answer.value.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/[0-9a-f]{32}$/);
    expect(hub.relay.stats().registered).toBe(1);
    await vi.waitFor(() => expect(sent.some((u) => u.stats.registered === 1)).toBe(true));
    // The page URL may carry a hash (the renderer's routes).
    const hashed = fakeWindow(`${pageUrl}#clients`).window;
    expect(isTrustedSender(eventFrom(hashed), hashed, pageUrl)).toBe(true);
  });

  it('refuses senders that are not the app page in the main window', async () => {
    const { window } = fakeWindow();
    const hub = await setup(window);
    const stranger = fakeWindow().window;
    const evil = fakeWindow('https://evil.example/index.html').window;
    const otherFile = fakeWindow('file:///tmp/index.html').window;
    const subframe = { url: pageUrl } as WebFrameMain;
    const events: IpcMainInvokeEvent[] = [
      eventFrom(stranger),
      { sender: window.webContents, senderFrame: evil.webContents.mainFrame } as unknown as IpcMainInvokeEvent,
      { sender: window.webContents, senderFrame: otherFile.webContents.mainFrame } as unknown as IpcMainInvokeEvent,
      eventFrom(window, subframe),
      eventFrom(window, null),
    ];
    for (const event of events) {
      expect(await invoke('register', event, { user_id: 1 })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'this page may not control the hub' },
      });
    }
    expect(hub.relay.stats().registered).toBe(0);
  });

  it('refuses everything while there is no window', async () => {
    await setup(null);
    const { window } = fakeWindow();
    expect(await invoke('getInit', eventFrom(window), null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
