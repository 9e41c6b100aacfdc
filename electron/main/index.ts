/**
 * Electron main process: a thin shell around the relay. One instance; the hub keeps running in
 * the tray when the window closes (unless quitOnClose); quitting stops the relay gracefully.
 * `--headless` or RELAY_HUB_HEADLESS=1: no window or tray, the headless hub (see relay-hub --help).
 */
import { app, safeStorage, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { runHeadless } from '../cli/index';
import { autoUpdater } from 'electron-updater';
import { createHubHost, createUpdateChecker, runUpdateCommand, unsupportedReason, type HubHost } from '../host/index';
import { isLogLevel } from '../relay/index';
import { createExportFiles } from './export';
import { registerIpc } from './ipc';
import { openSettings, relayOptionsOf, type SettingsStore, type TokenCipher } from './settings';
import { createHubTray, type HubTray } from './tray';
import { appPageUrl, createMainWindow } from './window';

// Bundled to dist/main/index.cjs; the other bundles sit beside it in dist/.
const paths = {
  preload: join(__dirname, '../preload/index.cjs'),
  page: join(__dirname, '../renderer/index.html'),
  renderer: join(__dirname, '../renderer'),
  sdk: join(__dirname, '../client/index.mjs'),
  device: join(__dirname, '../device'),
  // macOS menu bars want a monochrome template image; Electron picks the @1.5x/@2x files itself.
  trayIcon: join(__dirname, '../assets', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
};

/** Switches Electron or Chromium may add that the hub's own flags do not know. */
const foreignSwitch = /^--(headless|no-sandbox|inspect(-brk)?(=.*)?|remote-debugging-port=.*|user-data-dir=.*)$/;

/** The app's own arguments (after the executable, and after the app path when not packaged). */
function appArgs(): string[] {
  return process.argv.slice(app.isPackaged ? 1 : 2).filter((arg) => !foreignSwitch.test(arg));
}

function isHeadless(): boolean {
  return process.argv.includes('--headless') || process.env.RELAY_HUB_HEADLESS === '1';
}

async function runHeadlessApp(): Promise<void> {
  app.dock?.hide();
  const code = await runHeadless(appArgs(), process.env, {
    staticDir: paths.renderer,
    sdkFile: paths.sdk,
    devicePage: paths.device,
    name: 'relay-hub',
  });
  app.exit(code);
}

/** The OS keychain for the saved access token, when this system offers one (else it is stored in plain text). */
function tokenCipher(): TokenCipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

/** The hub with the saved settings and token; saved settings the relay refuses fall back to the defaults. */
function createDesktopHost(settings: SettingsStore): HubHost {
  // RELAY_HUB_HOST / RELAY_HUB_PORT override the saved address for this run (tests, scripts), and
  // RELAY_HUB_MDNS=0 (or 1) the saved announcement (tests never announce on the machine's LAN).
  const envPort = process.env.RELAY_HUB_PORT;
  const envMdns = process.env.RELAY_HUB_MDNS;
  // RELAY_HUB_MQTT_PORT / RELAY_HUB_MQTTS_PORT (a port, or off) override the saved MQTT ports (tests: off).
  const mqttPortOf = (value: string | undefined): { value: number | null } | null =>
    value === 'off' ? { value: null } : value !== undefined && /^\d+$/.test(value) ? { value: Number(value) } : null;
  const envMqtt = mqttPortOf(process.env.RELAY_HUB_MQTT_PORT);
  const envMqtts = mqttPortOf(process.env.RELAY_HUB_MQTTS_PORT);
  const fixed = {
    ...(process.env.RELAY_HUB_HOST ? { host: process.env.RELAY_HUB_HOST } : {}),
    ...(envPort !== undefined && /^\d+$/.test(envPort) ? { port: Number(envPort) } : {}),
    ...(envMdns === '0' || envMdns === '1' ? { mdns: envMdns === '1' } : {}),
    ...(envMqtt !== null ? { mqttPort: envMqtt.value } : {}),
    ...(envMqtts !== null ? { mqttsPort: envMqtts.value } : {}),
    // Registrations survive restarts and crashes in the app's own folder.
    dataDir: app.getPath('userData'),
    logLevel: isLogLevel(process.env.RELAY_HUB_LOG_LEVEL) ? process.env.RELAY_HUB_LOG_LEVEL : 'info',
    accessToken: settings.accessToken(),
  };
  const dashboard = appArgs().includes('--dashboard') ? { staticDir: paths.renderer } : null;
  try {
    return createHubHost({
      relay: { ...relayOptionsOf(settings.get()), ...fixed },
      settings,
      dashboard,
      sdkFile: paths.sdk,
      devicePage: paths.device,
    });
  } catch (error) {
    // e.g. a hand-edited settings.json naming a certificate without its key.
    console.error(`relay-hub: saved settings ignored: ${(error as Error).message}`);
    return createHubHost({ relay: fixed, settings, dashboard, sdkFile: paths.sdk, devicePage: paths.device });
  }
}

async function runDesktop(): Promise<void> {
  if (process.env.RELAY_HUB_USER_DATA) app.setPath('userData', process.env.RELAY_HUB_USER_DATA);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const settings = await openSettings(app.getPath('userData'), tokenCipher());
  const host = createDesktopHost(settings);

  let window: BrowserWindow | null = null;
  let tray: HubTray | null = null;
  let quitting = false;
  let stopped = false;
  let noTray = false;
  const quitOnClose = (): boolean => noTray || settings.get().quitOnClose;

  const showWindow = (): void => {
    if (window === null || window.isDestroyed()) {
      window = createMainWindow(paths);
      window.on('close', (event) => {
        if (quitting || quitOnClose()) return;
        event.preventDefault(); // keep the hub running in the tray
        window?.hide();
      });
      window.on('closed', () => (window = null));
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const exports = createExportFiles(() => app.getPath('downloads'));
  // Opt-in (settings), never for the portable build; electron-updater only asks, nothing is downloaded.
  const updates = createUpdateChecker({
    currentVersion: app.getVersion(),
    enabled: () => settings.get().checkForUpdates,
    unsupported: unsupportedReason(process.env, app.isPackaged),
    feed: () => {
      autoUpdater.autoDownload = false;
      autoUpdater.autoInstallOnAppQuit = false;
      return autoUpdater;
    },
  });
  void updates.check();
  registerIpc({
    handler: host.handle,
    feed: host.feed,
    window: () => window,
    pageUrl: appPageUrl(paths.page),
    exports,
    updates: (arg) => runUpdateCommand(updates, arg),
  });
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (quitOnClose()) app.quit();
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    void Promise.all([exports.abortAll(), host.stop()]).finally(() => {
      stopped = true;
      tray?.destroy();
      app.quit();
    });
  });

  try {
    tray = createHubTray({ iconPath: paths.trayIcon, onOpen: showWindow, onQuit: () => app.quit() });
    host.feed.subscribe((update) => tray?.update(update.status, update.stats));
  } catch (error) {
    // Some Linux desktops have no tray: then closing the window quits, or the hub would be unreachable.
    console.error('relay-hub: no tray available:', error);
    noTray = true;
  }
  showWindow();
  const status = await host.start();
  tray?.update(status, host.relay.stats());
  if (status.state === 'running' && status.listen) {
    console.log(`Relay Hub listening on ${status.listen.host}:${status.listen.port}`);
    const dashboard = host.dashboardInfo();
    if (dashboard) console.log(`Dashboard: ${dashboard.url}`);
  } else {
    console.error(`relay-hub: ${status.error?.message ?? 'not listening'}`);
  }
}

(isHeadless() ? runHeadlessApp() : runDesktop()).catch((error: unknown) => {
  console.error('relay-hub: fatal:', error);
  app.exit(1);
});
