/**
 * Relay Hub's core, the only door into `electron/relay/`: `createRelay(options)` returns a
 * relay that runs in plain Node (tests, the headless CLI) or inside Electron's main process.
 * It never imports `electron`.
 */
import type { PublishReceipt, PublishRequest } from '../../shared/api';
import type { ClientInfo, HubSnapshot, HubStats, ListenInfo } from '../../shared/hub';
import { Hub, type RelayListener } from './hub';
import { resolveOptions, type RelayOptions } from './options';
import { RelayServer, type ServerHooks } from './server';

export type { RelayOptions } from './options';
export { defaultRelayOptions, resolveOptions } from './options';
export type { RelayListener } from './hub';
export type { ServerHooks, RequestHook, UpgradeHook } from './server';
export { refuseUpgrade } from './server';
export { lanIPv4Addresses } from './net';
export { createHubHost, describeListenError, type HubHost, type HubHostOptions } from './host';
export { runHeadless, type HeadlessOptions } from './headless';
export type { HubFeed } from './feed';
export type { CommandHandler } from './commands';

/** A relay: the hub's state plus the server that exposes it. */
export interface Relay {
  /** The resolved options. */
  readonly options: RelayOptions;
  /** Starts listening. Rejects with the listen error (e.g. code `EADDRINUSE`) and can be retried. */
  start(overrides?: Partial<Pick<RelayOptions, 'host' | 'port'>>): Promise<ListenInfo>;
  /** Stops accepting, closes every socket with 1001, resolves when done. Registrations are kept. */
  stop(): Promise<void>;
  /** Where it listens, or null when stopped. */
  address(): ListenInfo | null;
  /** Registers a client for `userId`. The socket URL is `<base ws url>/ws/<id>`. */
  register(userId: number): ClientInfo;
  /** Removes a registration and closes its socket; false when the id is unknown. */
  unregister(id: string): boolean;
  /** Removes every registration of a user; returns how many. */
  unregisterUser(userId: number): number;
  /** Publishes a message; the receipt counts live connections written to. */
  publish(request: PublishRequest): PublishReceipt;
  /** Everything the operator sees. */
  snapshot(): HubSnapshot;
  /** Counters only (cheap). */
  stats(): HubStats;
  /** Subscribes to state changes; returns the unsubscribe function. */
  on(listener: RelayListener): () => void;
}

/** Creates a relay. `hooks` lets the host add routes (the dashboard) to the same port. */
export function createRelay(options: Partial<RelayOptions> = {}, hooks: ServerHooks = {}): Relay {
  // One options object shared with the hub; `start()` may change its host and port.
  const resolved = resolveOptions(options);
  const hub = new Hub(resolved);
  let server: RelayServer | null = null;

  return {
    options: resolved,
    async start(overrides = {}) {
      if (server?.info) return server.info;
      if (overrides.host !== undefined || overrides.port !== undefined) {
        Object.assign(resolved, resolveOptions({ ...resolved, ...overrides }));
      }
      const candidate = new RelayServer(hub, hooks);
      const info = await candidate.listen();
      server = candidate;
      return info;
    },
    async stop() {
      const current = server;
      server = null;
      await current?.stop(resolved.shutdownTimeoutMs);
    },
    address: () => server?.info ?? null,
    register: (userId) => hub.register(userId),
    unregister: (id) => hub.unregister(id),
    unregisterUser: (userId) => hub.unregisterUser(userId),
    publish: ({ topic, message, user_id: userId }) => hub.publish(topic, message, userId),
    snapshot: () => hub.snapshot(),
    stats: () => hub.stats(),
    on: (listener) => hub.on(listener),
  };
}
