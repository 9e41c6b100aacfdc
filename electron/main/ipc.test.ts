import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { commandNames, ipcChannel, type HubUpdate } from '../../shared/ipc';
import { bodyValue } from '../../shared/traffic';
import { createHubHost, createUpdateChecker, runUpdateCommand, type HubHost } from '../host/index';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExportFiles } from './export';
import { isTrustedSender, registerIpc } from './ipc';

type Handler = (event: IpcMainInvokeEvent, arg: unknown) => unknown;
const handlers = vi.hoisted(() => new Map<string, (event: unknown, arg: unknown) => unknown>());
/** What the stubbed save dialog answers next (a path, or null: the operator cancels). */
const saveAs = vi.hoisted(() => ({ path: null as string | null, asked: [] as unknown[] }));

// The only stub allowed: Electron itself, for the shell's wiring.
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn as (event: unknown, arg: unknown) => unknown);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  dialog: {
    showSaveDialog: (...args: unknown[]) => {
      saveAs.asked.push(args.at(-1));
      return Promise.resolve(saveAs.path === null ? { canceled: true } : { canceled: false, filePath: saveAs.path });
    },
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
  dispose = registerIpc({
    handler: current.handle,
    feed: current.feed,
    window: () => window,
    pageUrl,
    exports: createExportFiles(() => tmpdir()),
    updates: (arg) =>
      runUpdateCommand(
        createUpdateChecker({
          currentVersion: '0.1.0',
          enabled: () => false,
          unsupported: null,
          feed: () => ({ checkForUpdates: () => Promise.reject(new Error('never asked')) }),
        }),
        arg,
      ),
  });
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

  it('answers checkForUpdates in the main process: the version and the state (off by default)', async () => {
    const { window } = fakeWindow();
    await setup(window);
    expect(await invoke('checkForUpdates', eventFrom(window), { now: true })).toEqual({
      ok: true,
      value: { version: '0.1.0', state: { kind: 'off' } },
    });
    expect(await invoke('checkForUpdates', eventFrom(window), 'now')).toMatchObject({
      ok: false,
      error: { code: 'invalid_body' },
    });
    expect(await invoke('checkForUpdates', eventFrom(fakeWindow().window), { now: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
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

  it('opens this window’s message inspector: its pushes then carry the messages', async () => {
    const { window, sent } = fakeWindow();
    const hub = await setup(window);
    expect(await invoke('watchMessages', eventFrom(window), { topic: 'ca' })).toEqual({
      ok: true,
      value: { watching: true },
    });
    void hub.relay.publish({ topic: 'cats', message: 'seen by the window' });
    await vi.waitFor(() =>
      expect(sent.flatMap((u) => u.messages?.records ?? []).map((m) => bodyValue(m.body))).toEqual([
        'seen by the window',
      ]),
    );
    // A page that loads again starts without an inspector.
    await invoke('getInit', eventFrom(window), null);
    void hub.relay.publish({ topic: 'cats', message: 'after a reload' });
    await vi.waitFor(() => expect(sent.some((u) => u.stats.published === 2)).toBe(true));
    expect(sent.flatMap((u) => u.messages?.records ?? [])).toHaveLength(1);
  });

  it('streams an export to the file chosen in the save dialog, in order, and deletes an aborted one', async () => {
    const { window } = fakeWindow();
    await setup(window);
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-export-'));
    saveAs.path = join(dir, 'messages.ndjson');
    const begun = (await invoke('exportBegin', eventFrom(window), { suggestedName: 'messages.ndjson' })) as {
      ok: true;
      value: { handle: string; path: string };
    };
    expect(begun.ok).toBe(true);
    expect(begun.value.handle).toMatch(/^[0-9a-f]{32}$/);
    expect(begun.value.path).toBe(saveAs.path);
    expect(saveAs.asked.at(-1)).toMatchObject({ defaultPath: join(tmpdir(), 'messages.ndjson') });
    const { handle } = begun.value;
    const lines = Array.from(
      { length: 100_000 },
      (_, i) => `{"seq":${i},"body":"message ${i} é"}
`,
    );
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 5_000) chunks.push(lines.slice(i, i + 5_000).join(''));
    // Sent without waiting, as fast as IPC delivers them: still written in order.
    const writes = chunks.map((chunk) => invoke('exportWrite', eventFrom(window), { handle, chunk }));
    expect((await Promise.all(writes)).every((w) => (w as { ok: boolean }).ok)).toBe(true);
    const ended = await invoke('exportEnd', eventFrom(window), { handle, abort: false });
    const text = readFileSync(saveAs.path, 'utf8');
    expect(ended).toEqual({ ok: true, value: { path: saveAs.path, bytes: Buffer.byteLength(text) } });
    expect(text).toBe(lines.join(''));
    expect(await invoke('exportWrite', eventFrom(window), { handle, chunk: 'late' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    saveAs.path = join(dir, 'log.csv');
    const again = (await invoke('exportBegin', eventFrom(window), { suggestedName: 'log.csv' })) as {
      value: { handle: string };
    };
    await invoke('exportWrite', eventFrom(window), { handle: again.value.handle, chunk: 'half,a\n' });
    await invoke('exportEnd', eventFrom(window), { handle: again.value.handle, abort: true });
    expect(existsSync(saveAs.path)).toBe(false);

    saveAs.path = null;
    expect(await invoke('exportBegin', eventFrom(window), { suggestedName: 'log.csv' })).toEqual({
      ok: true,
      value: { handle: null, path: null },
    });
    for (const bad of [{ suggestedName: '../etc/passwd.csv' }, { suggestedName: 'x.exe' }, null]) {
      expect(await invoke('exportBegin', eventFrom(window), bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid_body' },
      });
    }
  });

  it('refuses everything while there is no window', async () => {
    await setup(null);
    const { window } = fakeWindow();
    expect(await invoke('getInit', eventFrom(window), null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
