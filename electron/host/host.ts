/**
 * A hub as a host runs it (desktop app or headless CLI): the relay, its GUI feed, the command
 * handler, the optional dashboard on the same port, and a status that survives failed binds.
 */
import type { DashboardInfo, HubConfig, HubSettings, HubStatus } from '../../shared/ipc';
import { dashboardPath } from '../../shared/admin';
import { createCommandHandler, SettingsError, type CommandHandler } from './commands/commands';
import { createDashboard, generateToken, type Dashboard } from './web/dashboard';
import { createHubFeed, type HubFeed, type HubFeedOptions } from './feed/feed';
import { changedSettings, optionsOf, settingsOf } from './settings';
import {
  createRelay,
  resolveOptions,
  type LiveOptions,
  type Relay,
  type RelayOptions,
  type ServerHooks,
} from '../relay/index';
import { createSdkRoute } from './web/sdk-route';
import { createStaticSite } from './web/static-site';
import { devicePagePath } from '../../shared/keys';

/**
 * The phone page's Content-Security-Policy: its own scripts and styles only; it talks to this hub
 * alone (REST and its device socket, ws: or wss:).
 */
export const devicePageCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
import { saveTokenFile } from './token-file';
import { openSavedPayloads } from './saved-payloads';

/** Where the desktop app keeps its settings (and its access token). */
export interface SettingsPersistence {
  get(): HubSettings;
  /** Merges, saves and returns the settings. */
  set(patch: Partial<HubSettings>): HubSettings;
  /** Saves the access token (null: none, the hub is open). */
  setAccessToken?(token: string | null): void;
}

/** Options of `createHubHost`. */
export interface HubHostOptions {
  /** Relay options (host, port, limits…). */
  relay?: Partial<RelayOptions>;
  /** Serve the browser dashboard from `staticDir` (the built renderer); token generated unless given. */
  dashboard?: { staticDir: string; token?: string | undefined } | null;
  /** Persisted settings (desktop); without them settings and token changes last until the hub stops. */
  settings?: SettingsPersistence | null;
  /**
   * The headless hub's `--token-file`: a token set or rotated here is written to it first (so the
   * next SIGHUP or restart reads the same token); removing the token is refused (edit the flags).
   */
  tokenFile?: string | null;
  /** The built device SDK (`dist/client/index.mjs`), served at `/sdk/relay-hub-client.mjs`; null: not served. */
  sdkFile?: string | null;
  /** The built phone page (`dist/device`), served at `/device`; null: not served. */
  devicePage?: string | null;
  /** Feed tuning (tests). */
  feed?: Pick<HubFeedOptions, 'intervalMs' | 'logSize' | 'countersIntervalMs' | 'tapBudget'>;
}

/** A running (or failed, or stopped) hub with everything a GUI needs. */
export interface HubHost {
  readonly relay: Relay;
  readonly feed: HubFeed;
  /** The command handler shared by IPC and the dashboard. */
  readonly handle: CommandHandler;
  /** The admin token, when the dashboard is enabled. */
  readonly dashboardToken: string | null;
  /** Current server status. */
  status(): HubStatus;
  /** Dashboard URL and token, when enabled and listening. */
  dashboardInfo(): DashboardInfo | null;
  /** Starts listening (with `overrides`); never rejects: a failed bind leaves status `error` with the errno code. */
  start(overrides?: Partial<LiveOptions>): Promise<HubStatus>;
  /**
   * Restarts the server with `overrides` (address, limits…; one restart at a time). Rejects with a
   * TypeError naming the option before stopping anything when they are invalid; when the new server
   * cannot listen while the old one ran, the old address and options are restored (status says why).
   */
  restart(overrides: Partial<LiveOptions>): Promise<HubStatus>;
  /** The settings the hub runs with now, whether they are saved, and its data dir. */
  config(): HubConfig;
  /**
   * Applies changed settings: relay options by a restart (all or nothing: a SettingsError and the
   * previous options when invalid or when the server cannot listen with them), then saves them (desktop).
   */
  applySettings(patch: Partial<HubSettings>): Promise<HubConfig>;
  /** Sets, rotates or (null) removes the access token for the next request, and saves it (desktop). */
  setAccessToken(token: string | null): void;
  /** Stops the server and the feed (status `stopped`). */
  stop(): Promise<void>;
}

/** A readable message for a listen error. */
export function describeListenError(error: unknown, host: string, port: number): { code: string; message: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? 'ERROR';
  switch (code) {
    case 'EADDRINUSE':
      return { code, message: `port ${port} is already in use on ${host}; choose another port` };
    case 'EACCES':
      return { code, message: `not allowed to listen on ${host}:${port}; try a port above 1024` };
    case 'EADDRNOTAVAIL':
      return { code, message: `${host} is not an address of this machine` };
    case 'ETLS': // a TlsError: its message names the file and what is wrong with it
      return { code, message: (error as Error).message };
    default:
      return { code, message: `cannot listen on ${host}:${port}: ${(error as Error | null)?.message ?? code}` };
  }
}

/** Creates a hub host (not yet listening). Throws a TypeError on invalid relay options. */
export function createHubHost(options: HubHostOptions = {}): HubHost {
  let dashboard: Dashboard | null = null;
  // The relay takes its hooks at creation; they delegate to the dashboard created below.
  const sdk = options.sdkFile ? createSdkRoute(options.sdkFile) : null;
  const phone = options.devicePage
    ? createStaticSite(options.devicePage, `${devicePagePath}/`, devicePageCsp, { bareIsIndex: true })
    : null;
  const hooks: ServerHooks = {
    request: (req, res) =>
      (sdk?.(req, res) ?? false) || (phone?.(req, res) ?? false) || (dashboard?.request(req, res) ?? false),
    upgrade: (req, socket, head) => dashboard?.upgrade(req, socket, head) ?? false,
  };
  const core = createRelay(options.relay ?? {}, hooks);
  // Whoever changes the token (a command, the headless hub's SIGHUP), the GUIs' badges follow at once.
  const relay: Relay = Object.freeze({
    ...core,
    setAccessToken(token: string | null) {
      core.setAccessToken(token);
      feed.refresh();
    },
  });
  let status: HubStatus = { state: 'stopped', listen: null, error: null };
  const token = options.dashboard ? (options.dashboard.token ?? generateToken()) : null;

  const dashboardInfo = (): DashboardInfo | null => {
    const base = status.listen?.urls[0];
    if (token === null || base === undefined) return null;
    return { url: `${base}${dashboardPath}#token=${token}`, token };
  };
  const settings = options.settings ?? null;
  const tokenFile = options.tokenFile ?? null;
  // Beside the registrations, in the data dir the hub was created with (the desktop's user-data folder).
  const savedPayloads = openSavedPayloads(relay.options.dataDir, (message) => console.warn(`relay-hub: ${message}`));
  const feed = createHubFeed(relay, {
    ...options.feed,
    status: () => status,
    config: () => config(),
    dashboard: dashboardInfo,
  });

  function config(): HubConfig {
    const quitOnClose = settings?.get().quitOnClose ?? false;
    const checkForUpdates = settings?.get().checkForUpdates ?? false;
    return {
      settings: { ...settingsOf(relay.options), quitOnClose, checkForUpdates },
      persisted: settings !== null,
      dataDir: relay.options.dataDir,
      tokenFile,
      savedPayloads: savedPayloads.list(),
    };
  }

  const bind = async (target?: Partial<LiveOptions>): Promise<HubStatus> => {
    status = { state: 'starting', listen: null, error: null };
    feed.refresh();
    try {
      const listen = await relay.start(target);
      status = { state: 'running', listen, error: null };
    } catch (error) {
      const host = target?.host ?? relay.options.host;
      const port = target?.port ?? relay.options.port;
      status = { state: 'error', listen: null, error: describeListenError(error, host, port) };
    }
    feed.refresh();
    return status;
  };

  const stopServer = async (): Promise<void> => {
    dashboard?.closeAll();
    await relay.stop();
  };

  /** The live options a restart may change back, minus the token (rotations are not undone). */
  const liveOptions = (): Partial<LiveOptions> => {
    const live: Partial<RelayOptions> = { ...relay.options };
    for (const key of ['dataDir', 'fsync', 'logLevel', 'accessToken'] as const) delete live[key];
    return live;
  };

  const rebind = async (overrides: Partial<LiveOptions>): Promise<HubStatus> => {
    const previous = status.state === 'running' ? status.listen : null;
    const previousOptions = liveOptions();
    // A hub on "any free port" keeps the port it has unless told otherwise: GUIs and devices stay connected to it.
    const target: Partial<LiveOptions> = { ...overrides };
    if (target.port === undefined && previous !== null && relay.options.port === 0) target.port = previous.port;
    // Invalid options fail here, before anything stops.
    resolveOptions({ ...relay.options, ...target });
    await stopServer();
    const next = await bind(target);
    if (next.state === 'running' || previous === null) return next;
    const failed = next.error;
    const restored = await bind({ ...previousOptions, host: previous.host, port: previous.port });
    if (restored.state === 'running' && failed !== null) {
      const where = `${previous.host}:${previous.port}`;
      status = { ...restored, error: { code: failed.code, message: `${failed.message}; still listening on ${where}` } };
      feed.refresh();
    }
    return status;
  };

  // One rebind at a time: a second restart waits for the first instead of racing it.
  let queue: Promise<unknown> = Promise.resolve();
  const restart = (overrides: Partial<LiveOptions>): Promise<HubStatus> => {
    const next = queue.then(() => rebind(overrides));
    queue = next.catch(() => undefined);
    return next;
  };

  const applySettings = async (patch: Partial<HubSettings>): Promise<HubConfig> => {
    const { quitOnClose, checkForUpdates, ...relayPatch } = patch;
    if (quitOnClose !== undefined && settings === null) {
      throw new SettingsError('"Quit when the window closes" belongs to the desktop app');
    }
    if (checkForUpdates !== undefined && settings === null) {
      throw new SettingsError('"Check for updates" belongs to the desktop app');
    }
    const changed = changedSettings(relayPatch, relay.options);
    if (Object.keys(changed).length > 0) {
      const wasRunning = status.state === 'running';
      const previous = liveOptions();
      let next: HubStatus;
      try {
        next = await restart(optionsOf(changed));
      } catch (error) {
        throw new SettingsError(error instanceof Error ? error.message : String(error));
      }
      if (next.error !== null) {
        // A running hub was restored by the restart; a hub that was not listening gets its old options back
        // (and tries them once more), so nothing of the refused settings stays behind.
        if (!wasRunning) await restart(previous);
        throw new SettingsError(`settings not applied: ${next.error.message}`);
      }
    }
    // Saved only once they work: a setting that cannot listen never reaches the next launch.
    settings?.set(patch);
    feed.refresh();
    return config();
  };

  const setAccessToken = (token: string | null): void => {
    if (tokenFile !== null) {
      if (token === null) {
        throw new SettingsError(`the token comes from ${tokenFile}: restart the hub without --token-file to open it`);
      }
      saveTokenFile(tokenFile, token); // a write that fails changes nothing
    }
    relay.setAccessToken(token);
    settings?.setAccessToken?.(token);
  };

  const handle = createCommandHandler(relay, feed, {
    async restart(target) {
      const next = await restart(target);
      // The operator chose this address: the desktop app uses it again at the next launch.
      if (next.state === 'running' && next.error === null) settings?.set(target);
      return next;
    },
    applySettings,
    setAccessToken,
    savedPayloads: { payloads: savedPayloads, config },
  });
  if (options.dashboard && token !== null) {
    dashboard = createDashboard({ relay, feed, handler: handle, staticDir: options.dashboard.staticDir, token });
  }

  return {
    relay,
    feed,
    handle,
    dashboardToken: token,
    status: () => status,
    dashboardInfo,
    start: (target) => bind(target),
    restart,
    config,
    applySettings,
    setAccessToken,
    async stop() {
      await stopServer();
      status = { state: 'stopped', listen: null, error: null };
      feed.refresh();
      feed.close();
    },
  };
}
