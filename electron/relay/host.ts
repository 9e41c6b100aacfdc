/**
 * A hub as a host runs it (desktop app or headless CLI): the relay, its GUI feed, the command
 * handler, the optional dashboard on the same port, and a status that survives failed binds.
 */
import type { DashboardInfo, HubSettings, HubStatus } from '../../shared/ipc';
import { dashboardPath } from '../../shared/admin';
import { createCommandHandler, type CommandHandler } from './commands';
import { createDashboard, generateToken, type Dashboard } from './dashboard';
import { createHubFeed, type HubFeed, type HubFeedOptions } from './feed';
import { createRelay, type Relay, type RelayOptions, type ServerHooks } from './index';

/** Options of `createHubHost`. */
export interface HubHostOptions {
  /** Relay options (host, port, limits…). */
  relay?: Partial<RelayOptions>;
  /** Serve the browser dashboard from `staticDir` (the built renderer); token generated unless given. */
  dashboard?: { staticDir: string; token?: string | undefined } | null;
  /** Persisted settings (desktop); without them `setSettings` answers `unavailable`. */
  settings?: { get(): HubSettings; set(patch: Partial<HubSettings>): HubSettings } | null;
  /** Feed tuning (tests). */
  feed?: Pick<HubFeedOptions, 'intervalMs' | 'logSize' | 'fullListIntervalMs'>;
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
  /** Starts listening; never rejects: a failed bind leaves status `error` with the errno code. */
  start(target?: { host: string; port: number }): Promise<HubStatus>;
  /** Rebinds to another host/port; if that fails while running, the old address is restored. */
  restart(target: { host: string; port: number }): Promise<HubStatus>;
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
    default:
      return { code, message: `cannot listen on ${host}:${port}: ${(error as Error | null)?.message ?? code}` };
  }
}

/** Creates a hub host (not yet listening). Throws a TypeError on invalid relay options. */
export function createHubHost(options: HubHostOptions = {}): HubHost {
  let dashboard: Dashboard | null = null;
  // The relay takes its hooks at creation; they delegate to the dashboard created below.
  const hooks: ServerHooks = {
    request: (req, res) => dashboard?.request(req, res) ?? false,
    upgrade: (req, socket, head) => dashboard?.upgrade(req, socket, head) ?? false,
  };
  const relay = createRelay(options.relay ?? {}, hooks);
  let status: HubStatus = { state: 'stopped', listen: null, error: null };
  const token = options.dashboard ? (options.dashboard.token ?? generateToken()) : null;

  const dashboardInfo = (): DashboardInfo | null => {
    const base = status.listen?.urls[0];
    if (token === null || base === undefined) return null;
    return { url: `${base}${dashboardPath}#token=${token}`, token };
  };
  const settings = options.settings ?? null;
  const feed = createHubFeed(relay, {
    ...options.feed,
    status: () => status,
    settings: () => settings?.get() ?? null,
    dashboard: dashboardInfo,
  });

  const bind = async (target?: { host: string; port: number }): Promise<HubStatus> => {
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

  const rebind = async (target: { host: string; port: number }): Promise<HubStatus> => {
    const previous = status.state === 'running' ? status.listen : null;
    await stopServer();
    const next = await bind(target);
    // The operator chose this address: the desktop app uses it again at the next launch.
    if (next.state === 'running') settings?.set({ host: target.host, port: target.port });
    if (next.state === 'running' || previous === null) return next;
    const failed = next.error;
    const restored = await bind({ host: previous.host, port: previous.port });
    if (restored.state === 'running' && failed !== null) {
      const where = `${previous.host}:${previous.port}`;
      status = { ...restored, error: { code: failed.code, message: `${failed.message}; still listening on ${where}` } };
      feed.refresh();
    }
    return status;
  };

  // One rebind at a time: a second restart waits for the first instead of racing it.
  let queue: Promise<unknown> = Promise.resolve();
  const restart = (target: { host: string; port: number }): Promise<HubStatus> => {
    const next = queue.then(() => rebind(target));
    queue = next.catch(() => undefined);
    return next;
  };

  const handle = createCommandHandler(relay, feed, {
    restart,
    ...(settings ? { setSettings: (patch: Partial<HubSettings>) => settings.set(patch) } : {}),
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
    async stop() {
      await stopServer();
      status = { state: 'stopped', listen: null, error: null };
      feed.refresh();
      feed.close();
    },
  };
}
