import { describe, expect, it, vi } from 'vitest';
import { statusLine } from './tray';
import { appPageUrl, createMainWindow, isAppPage, windowCsp, windowOptions } from './window';

type Listener = (...args: unknown[]) => void;
const state = vi.hoisted(() => ({
  options: [] as unknown[],
  listeners: new Map<string, (...args: unknown[]) => void>(),
  openHandler: null as null | ((details: { url: string }) => { action: string }),
  headers: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
  permissions: null as null | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
  loaded: [] as string[],
  external: [] as string[],
}));

vi.mock('electron', () => ({
  BrowserWindow: class {
    webContents = {
      setWindowOpenHandler: (fn: (details: { url: string }) => { action: string }) => (state.openHandler = fn),
      on: (name: string, fn: Listener) => state.listeners.set(name, fn),
    };
    constructor(options: unknown) {
      state.options.push(options);
    }
    loadFile(path: string): Promise<void> {
      state.loaded.push(path);
      return Promise.resolve();
    }
  },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
      setPermissionRequestHandler: (fn: typeof state.permissions) => (state.permissions = fn),
    },
  },
  shell: { openExternal: (url: string) => Promise.resolve(void state.external.push(url)) },
}));

const page = '/opt/relay hub/dist/renderer/index.html';

describe('main window', () => {
  it('uses secure web preferences', () => {
    const options = windowOptions('/opt/app/dist/preload/index.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/opt/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('denies new windows, blocks navigation away from the app page, and sets the CSP', () => {
    createMainWindow({ preload: '/p.cjs', page });
    expect(state.options).toHaveLength(1);
    expect(state.loaded).toEqual([page]);
    const pageUrl = appPageUrl(page);
    expect(pageUrl).toBe('file:///opt/relay%20hub/dist/renderer/index.html');

    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', pageUrl]) {
      expect(state.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(state.external).toEqual(['https://example.com/']);

    const navigate = state.listeners.get('will-navigate');
    const attempt = (url: string): boolean => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      navigate?.(event, url);
      return event.prevented;
    };
    expect(attempt('https://evil.example/')).toBe(true);
    expect(attempt('file:///etc/passwd')).toBe(true);
    expect(attempt(`${pageUrl}#/clients`)).toBe(false);

    let headers: unknown = null;
    state.headers?.({ responseHeaders: { 'X-A': ['1'] } }, (r) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [windowCsp] } });
    let granted: boolean | null = null;
    state.permissions?.(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('recognises the app page only', () => {
    const pageUrl = appPageUrl(page);
    expect(isAppPage(`${pageUrl}?x=1#y`, pageUrl)).toBe(true);
    expect(isAppPage('file:///opt/relay%20hub/dist/renderer/other.html', pageUrl)).toBe(false);
    expect(isAppPage('not a url', pageUrl)).toBe(false);
  });

  it('describes the hub status for the tray', () => {
    const listen = { host: '0.0.0.0', port: 8000, urls: [] };
    expect(statusLine({ state: 'running', listen, error: null }, null)).toBe('Relay Hub: running on 0.0.0.0:8000');
    expect(
      statusLine({ state: 'error', listen: null, error: { code: 'EADDRINUSE', message: 'port 8000 is in use' } }, null),
    ).toBe('Relay Hub: port 8000 is in use');
  });
});
