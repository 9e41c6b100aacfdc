/**
 * The main window: a sandboxed, context-isolated page loaded from `dist/renderer/index.html`
 * (file://) that can neither open windows nor navigate away, with a strict CSP.
 */
import { BrowserWindow, session, shell, type BrowserWindowConstructorOptions } from 'electron';
import { pathToFileURL } from 'node:url';

/** The window's Content-Security-Policy (the renderer's index.html carries the same as a meta tag). */
export const windowCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Paths the window needs. */
export interface WindowPaths {
  /** `dist/preload/index.cjs`. */
  preload: string;
  /** `dist/renderer/index.html`. */
  page: string;
}

/** The file:// URL of the app page. */
export function appPageUrl(pagePath: string): string {
  return pathToFileURL(pagePath).href;
}

/** True when `url` is the app page itself (any query or hash). */
export function isAppPage(url: string, pageUrl: string): boolean {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.href === pageUrl;
  } catch {
    return false;
  }
}

/** Secure BrowserWindow options: isolation, sandbox, no Node, web security on. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Relay Hub',
    show: true,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

let sessionHardened = false;

/** CSP on every response and no permission prompts, once per session. */
function hardenSession(): void {
  if (sessionHardened) return;
  sessionHardened = true;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [windowCsp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** Creates and loads the main window. */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  hardenSession();
  const pageUrl = appPageUrl(paths.page);
  const window = new BrowserWindow(windowOptions(paths.preload));
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the outside (e.g. documentation) open in the browser, never in the app.
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url, pageUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  void window.loadFile(paths.page);
  return window;
}
