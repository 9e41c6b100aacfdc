/**
 * The relay's only door: `createRelay(options)` joins the hub's state (`core/`) and the network
 * edge (`server/`) into a relay that runs in plain Node (tests, the headless CLI) or inside
 * Electron's main process. It never imports `electron`, nor anything above it (host, cli, main).
 */
import type { HistoryResponse, PublishReceipt, PublishRequest } from '../../shared/api';
import { hostname } from 'node:os';
import type {
  ClientInfo,
  ClusterInfo,
  HubSnapshot,
  HubStats,
  ListenInfo,
  PublishOrigin,
  RelayEventType,
  TopicInfo,
  TopicStreamInfo,
  UserInfo,
} from '../../shared/hub';
import { createCluster } from './cluster/index';
import { DiskEngine } from './core/history/disk';
import type { Engine } from './core/history/types';
import { historyOf, streamInfoOf } from './core/history/views';
import { MemoryEngine } from './core/history/memory';
import { LimitError } from './core/errors';
import { Hub, historyLimitsOf, type CounterVisitor, type RelayListener } from './core/hub';
import { createLogger } from './core/log';
import { createMetrics } from './server/metrics';
import { resolveOptions, type LiveOptions, type RelayOptions } from './core/options';
import { RelayServer, type ServerHooks } from './server/server';
import { RegistrationStore } from './core/storage/store';
import { createKey, listKeys, pairDevice, revokeKey } from './core/onboarding';
import type {
  CreateKeyResponse,
  DeviceKeyListing,
  DeviceKeyScope,
  PairResponse,
  RevokeKeyResponse,
} from '../../shared/keys';
import { sweepIntervalMs } from './core/access/expiry';
import { KeyStore } from './core/access/keys';
import { createStreamDoor } from './doors/stream/index';
import { MqttDoor, MqttListeners, SessionStore } from './doors/mqtt/index';
import { createWebhooksDoor } from './doors/webhooks/index';
import type { WebhookInfo, WebhookRequest } from '../../shared/webhooks';

export type { LiveOptions, RelayOptions } from './core/options';
export { defaultRelayOptions, resolveOptions, withoutPassword } from './core/options';
export type { CounterVisitor, RelayListener } from './core/hub';
export type { ServerHooks, RequestHook, UpgradeHook } from './server/server';
export { refuseUpgrade } from './server/server';
export { lanIPv4Addresses } from './server/net';
export { StoreError } from './core/storage/store';
export { LimitError } from './core/errors';
export { isLogLevel, type LogLevel } from './core/log';
export { tokensMatch } from './core/access/secrets';
export { writeFileAtomic } from './core/storage/atomic-file';

/** A publish of text, or of bytes (delivered as binary frames, kept as bytes in the history). */
export type RelayPublishRequest = Omit<PublishRequest, 'message'> & {
  message: string | Buffer;
  /** The QoS MQTT subscribers get it with (at most their subscription's; default 0). */
  qos?: 0 | 1 | 2;
};

/** A relay: the hub's state plus the server that exposes it. */
export interface Relay {
  /** The resolved options. */
  readonly options: RelayOptions;
  /**
   * Starts listening, first applying `overrides` (host, port, limits…: anything but the store and
   * the log; checked like the options). Rejects with the listen error (e.g. code `EADDRINUSE`)
   * and can be retried.
   */
  start(overrides?: Partial<LiveOptions>): Promise<ListenInfo>;
  /** Stops accepting, closes every socket with 1001, resolves when done. Registrations are kept (and compacted to disk). */
  stop(): Promise<void>;
  /** Where it listens, or null when stopped. */
  address(): ListenInfo | null;
  /** Registers a client for `userId` (LimitError when the hub is full). The socket URL is `<base ws url>/ws/<id>`. */
  register(userId: number): ClientInfo;
  /** Removes a registration and closes its socket; false when the id is unknown. */
  unregister(id: string): boolean;
  /** Removes every registration of a user; returns how many. */
  unregisterUser(userId: number): number;
  /**
   * Publishes a message, text or bytes (rejects with a LimitError over `maxMessageBytes`); the
   * receipt counts live connections written to (in a cluster, on every hub that answered: see its
   * `cluster`). `origin` tells the event's listeners who published (default `gui`: the hosts call
   * this for the operator; the HTTP route and device sockets publish inside the relay).
   */
  publish(request: RelayPublishRequest, origin?: PublishOrigin): Promise<PublishReceipt>;
  /** Everything the operator sees (every client: costs as much as the hub is large). */
  snapshot(): HubSnapshot;
  /** One registration, or null when unknown. */
  client(id: string): ClientInfo | null;
  /** The ids of every client `snapshot()` lists, in its order, without building the clients (a GUI's paged snapshot). */
  clientIds(): string[];
  /** Users with their registrations' ids, as `snapshot()` has them. */
  users(): UserInfo[];
  /** One user with its registrations' ids, or null when it has none. */
  user(userId: number): UserInfo | null;
  /** Topics with their subscriber and publish counts. */
  topics(): TopicInfo[];
  /** Visits every registration's counters without building objects (the GUI feed's once-a-second scan). */
  visitCounters(visit: CounterVisitor): void;
  /** Sets or rotates (null: removes) the access token required by register, unregister and publish. */
  setAccessToken(token: string | null): void;
  /**
   * Re-reads the TLS certificate and key files while listening (a renewed certificate, no restart):
   * new connections get it. False when not serving TLS; rejects with a TlsError (code `ETLS`),
   * keeping the current certificate.
   */
  reloadTls(): Promise<boolean>;
  /** Counters only (cheap). */
  stats(): HubStats;
  /** Up to `limit` messages of a topic after offset `since` (default 0 and 100), or null for a topic never published to. */
  history(topic: string, since?: number, limit?: number): HistoryResponse | null;
  /** Clears a topic's retained message; false when it had none. */
  clearRetained(topic: string): boolean;
  /** Empties a topic's history (devices asking for older offsets are told they were not recovered); returns how many left. */
  clearHistory(topic: string): number;
  /** Every topic's stream: history size, last offset, retained message. */
  streams(): TopicStreamInfo[];
  /**
   * Subscribes to state changes, of `types` only when given (leaving out `published` and
   * `slow-consumer` keeps publishes free of event work); returns the unsubscribe function.
   */
  on(listener: RelayListener, types?: readonly RelayEventType[]): () => void;
  /** Every device key (no secrets), newest first, with its registrations now. */
  keys(): DeviceKeyListing[];
  /** Creates a device key; the secret is in the answer only. */
  createKey(scope: DeviceKeyScope): CreateKeyResponse;
  /** Revokes a key: its registrations go, their sockets close with 4003. */
  revokeKey(id: string): RevokeKeyResponse;
  /** "Add a device": a key for one user and its topics, and a one-time phone link on `base` (the hub's URL). */
  pair(scope: DeviceKeyScope, base: string): PairResponse;
  /** Removes every registration not connected for at least `ms` (0: every disconnected one); returns how many. */
  removeDisconnected(ms: number): number;
  /** Resolves once what this hub changed is known to the other hubs of its cluster (at once for a hub alone). */
  settled(): Promise<void>;
  /** The webhooks with their state (last status, latency, backlog, failures). */
  webhooks(): WebhookInfo[];
  /** Adds a webhook (parsed with `parseWebhookRequest`); it gets what is published from now on. */
  addWebhook(request: WebhookRequest): WebhookInfo;
  /** Removes a webhook; false when unknown. */
  removeWebhook(id: string): boolean;
  /** Sends a test delivery to a webhook: its status (0: no answer) and latency, or null for an unknown id. */
  testWebhook(id: string): Promise<{ status: number; latencyMs: number; error: string | null } | null>;
  /** With `broker`: the cluster as this hub sees it (members, their devices, Redis reachable or not); else null. */
  cluster(): ClusterInfo | null;
}

/**
 * Creates a relay. `hooks` lets the host add routes (the dashboard) to the same port. With
 * `dataDir`, every stored registration is restored here; a corrupt store throws a StoreError.
 */
export function createRelay(options: Partial<RelayOptions> = {}, hooks: ServerHooks = {}): Relay {
  // One options object shared with the hub; `start()` may change its host and port.
  const resolved = resolveOptions(options);
  const log = createLogger(resolved.logLevel);
  const store = resolved.dataDir === null ? null : new RegistrationStore(resolved.dataDir, { fsync: resolved.fsync });
  // Keys before registrations: a registration whose key was revoked while the hub was down is not restored.
  const keys = new KeyStore(resolved.dataDir);
  const hub = new Hub(resolved, { store, log, keys });
  if (store) log.info({ dataDir: resolved.dataDir, registrations: hub.restore() }, 'registrations restored');
  const metrics = createMetrics(hub);
  const webhooks = createWebhooksDoor(hub);
  const doors = [createStreamDoor(hub), webhooks];
  // MQTT persistent sessions outlive a stop and start (and, with a data dir, a restart).
  const mqttSessions = new SessionStore(
    resolved.dataDir,
    { maxMessages: 1_000, maxBytes: 16 * 1024 * 1024 },
    () => hub.counters.mqtt.dropped++,
    (message) => log.warn(message),
  );
  let mqtt: { door: MqttDoor; listeners: MqttListeners } | null = null;
  const serverHooks: ServerHooks = {
    ...hooks,
    upgrade: (req, socket, head) =>
      hooks.upgrade?.(req, socket, head) === true || (mqtt?.listeners.upgrade(req, socket, head) ?? false),
  };
  let server: RelayServer | null = null;
  let expiry: NodeJS.Timeout | null = null;
  /** The broker of the engine in use (null: a hub alone, in memory or on disk). */
  let broker: string | null | undefined = undefined;

  /** The engine for the options: the cluster's with `broker`, else in memory or on disk (the data dir's history). */
  const useEngine = (): Engine => {
    if (broker === resolved.broker) return hub.engine;
    broker = resolved.broker;
    const limits = historyLimitsOf(resolved);
    if (broker === null) {
      const engine =
        resolved.dataDir === null
          ? new MemoryEngine(limits)
          : new DiskEngine(resolved.dataDir, limits, { fsync: resolved.fsync, warn: (message) => log.warn(message) });
      hub.useEngine(engine, null);
      return engine;
    }
    const cluster = createCluster({
      broker,
      limits,
      log,
      dataDir: resolved.dataDir,
      describe: () => ({
        name: `${hostname()}:${server?.info?.port ?? resolved.port}`,
        urls: server?.info?.urls ?? [],
        connected: hub.connections().size,
        startedAt: hub.startedAt,
      }),
      note: (state, text) => hub.noteCluster(state, text),
    });
    cluster.bind(hub.replica());
    hub.useEngine(cluster.engine, cluster.directory);
    return cluster.engine;
  };
  useEngine();

  return {
    options: resolved,
    async start(overrides = {}) {
      if (server?.info) return server.info;
      if (Object.keys(overrides).length > 0) {
        const { dataDir, fsync, logLevel } = resolved;
        Object.assign(resolved, resolveOptions({ ...resolved, ...overrides, dataDir, fsync, logLevel }));
        hub.engine.setLimits(historyLimitsOf(resolved));
      }
      // A new broker (or none now) takes effect here: no socket is open between a stop and a start.
      const engine = useEngine();
      const candidate = new RelayServer(hub, serverHooks, metrics, doors);
      let info: ListenInfo;
      try {
        info = await candidate.listen();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const what = code === 'ETLS' ? 'cannot serve TLS' : 'cannot listen';
        log.error({ host: resolved.host, port: resolved.port, code, err: (error as Error).message }, what);
        throw error;
      }
      server = candidate;
      const door = new MqttDoor(hub, mqttSessions);
      const listeners = new MqttListeners(hub, door);
      mqtt = { door, listeners };
      await door.start();
      try {
        info.mqtt = await listeners.listen();
      } catch (error) {
        // An unusable certificate for MQTT over TLS: said, and the rest runs.
        const problem = `MQTT over TLS off: ${(error as Error).message}`;
        log.error({ err: (error as Error).message }, problem);
        info.mqtt = { ...listeners.info, problem };
      }
      metrics.start();
      for (const door of doors) door.start();
      // A cluster hub joins here (or, Redis unreachable, says so and serves its own devices).
      await engine.start();
      // Expiry: registrations never connected or idle too long, and device keys past their time.
      const rules = { unconnectedMs: resolved.expireUnconnectedMs, idleMs: resolved.expireIdleMs };
      // Keys are few: looking at them every second closes an expired key's sockets within a second.
      const sweep = sweepIntervalMs(rules);
      let last = Date.now();
      expiry = setInterval(() => {
        const now = Date.now();
        if (now - last < sweep) hub.registrations.expireKeys(now);
        else {
          last = now;
          hub.registrations.expire(now);
        }
      }, 1_000);
      expiry.unref();
      log.info({ host: info.host, port: info.port, urls: info.urls }, 'started');
      return info;
    },
    async stop() {
      const current = server;
      server = null;
      if (expiry) clearInterval(expiry);
      expiry = null;
      for (const door of doors) await door.stop();
      const running = mqtt;
      mqtt = null;
      if (running !== null) await Promise.all([running.listeners.close(), running.door.stop()]);
      await current?.stop(resolved.shutdownTimeoutMs);
      metrics.stop();
      await hub.engine.close();
      keys.flush();
      store?.close();
      if (current) log.info('stopped');
    },
    address: () => server?.info ?? null,
    register(userId) {
      if (hub.full) {
        const message = `the hub holds its maximum of ${resolved.maxRegistrations} registrations`;
        throw new LimitError('too_many_registrations', message);
      }
      return hub.register(userId);
    },
    unregister: (id) => hub.unregister(id),
    unregisterUser: (userId) => hub.unregisterUser(userId),
    async publish({ topic, message, user_id: userId, retain, qos }, origin = 'gui') {
      if (hub.messageTooLarge(message)) {
        const text = `message is larger than ${resolved.maxMessageBytes} bytes (UTF-8)`;
        throw new LimitError('message_too_large', text);
      }
      return hub.publish(topic, message, userId, qos === undefined ? { origin } : { origin, qos }, retain === true);
    },
    history: (topic, since = 0, limit = 100) => historyOf(hub.engine, topic, since, limit),
    clearRetained: (topic) => hub.engine.clearRetained(topic),
    clearHistory: (topic) => hub.engine.clearHistory(topic),
    streams: () => hub.engine.topics().map(streamInfoOf),
    cluster: () => hub.clusterInfo(),
    settled: () => hub.settled() ?? Promise.resolve(),
    snapshot: () => hub.snapshot(),
    client: (id) => hub.client(id),
    clientIds: () => [
      ...Array.from(hub.registrations.registry.all(), (record) => record.id),
      ...Array.from(hub.doors.all(), (sub) => sub.id),
    ],
    users: () => hub.registrations.registry.users(),
    user: (userId) => hub.user(userId),
    topics: () => hub.topics(),
    visitCounters: (visit) => hub.visitCounters(visit),
    stats: () => hub.stats(),
    setAccessToken(token) {
      // Checked like the option; takes effect for the next request. Socket URLs do not change.
      Object.assign(resolved, resolveOptions({ ...resolved, accessToken: token }));
      server?.announceAgain();
    },
    async reloadTls() {
      const reloaded = (await server?.reloadTls()) ?? false;
      // MQTT over TLS serves the same certificate.
      if (reloaded) await mqtt?.listeners.reloadTls();
      return reloaded;
    },
    on: (listener, types) => hub.on(listener, types),
    keys: () => listKeys(hub),
    createKey: (scope) => createKey(hub, scope),
    revokeKey: (id) => revokeKey(hub, id),
    pair: (scope, base) => pairDevice(hub, scope, base),
    removeDisconnected: (ms) => hub.registrations.removeDisconnected(ms),
    webhooks: () => webhooks.list(),
    addWebhook: (request) => webhooks.create(request),
    removeWebhook: (id) => webhooks.remove(id),
    testWebhook: (id) => webhooks.test(id) ?? Promise.resolve(null),
  };
}
