/**
 * The GUI feed: turns the relay's event stream into coalesced `HubUpdate` pushes (at most one
 * per `intervalMs`, only when something changed) and keeps a bounded, readable event log.
 */
import type { ClientInfo, ClusterInfo, HubSnapshot, RelayEvent } from '../../shared/hub';
import type { DashboardInfo, HubConfig, HubInit, HubSecurity, HubStatus, HubUpdate, LogEntry } from '../../shared/ipc';
import { settingsOf } from './settings';
import type { Relay } from '../relay/index';

/** Options of `createHubFeed`. */
export interface HubFeedOptions {
  /** Shortest time between two updates, in ms (default 100, i.e. at most 10 per second). */
  intervalMs?: number;
  /** Entries kept in the log ring (default 500). */
  logSize?: number;
  /** Shortest time between two full client lists sent because only counters changed, in ms (default 1000). */
  fullListIntervalMs?: number;
  /** The server's current status. */
  status: () => HubStatus;
  /** The settings the hub runs with (default: none to show, as in unit tests). */
  config?: () => HubConfig;
  /** Where the dashboard is served, or null. */
  dashboard?: () => DashboardInfo | null;
}

/** A live feed of the hub for one or more GUIs. */
export interface HubFeed {
  /** Everything a GUI needs when it (re)connects. */
  init(): HubInit;
  /** Receives every coalesced update; returns the unsubscribe function. */
  subscribe(listener: (update: HubUpdate) => void): () => void;
  /** Schedules an update even without relay events (call after the status changed). */
  refresh(): void;
  /** Stops listening to the relay and drops every subscriber. */
  close(): void;
}

/** How open the hub is, from its current options (updates follow token rotations at once). */
export function securityOf(options: Relay['options']): HubSecurity {
  return {
    tokenRequired: options.accessToken !== null,
    originsRestricted: options.allowedOrigins !== null,
    tls: options.tlsCertFile !== null && options.tlsKeyFile !== null,
  };
}

/** The first characters of an id, enough to tell registrations apart in the log. */
export function shortId(id: string): string {
  return `${id.slice(0, 8)}…`;
}

/** One readable log line for a relay event. */
export function describeEvent(event: RelayEvent): string {
  switch (event.type) {
    case 'registered':
      return `user ${event.client.userId} registered ${shortId(event.client.id)}`;
    case 'unregistered':
      return `user ${event.userId} unregistered ${shortId(event.id)}`;
    case 'connected': {
      const from = event.client.remoteAddress === null ? '' : ` from ${event.client.remoteAddress}`;
      return `user ${event.client.userId} connected ${shortId(event.client.id)}${from}${onHub(event.hub)}`;
    }
    case 'disconnected':
      return `user ${event.userId} disconnected ${shortId(event.id)}${onHub(event.hub)} (${event.reason.replaceAll('_', ' ')}, code ${event.code})`;
    case 'topics':
      return `user ${event.userId} ${shortId(event.id)} subscribed to ${event.topics.length > 0 ? event.topics.join(', ') : 'nothing'}`;
    case 'published':
      return describePublish(event, 1, event.receipt.delivered);
    case 'slow-consumer':
      return `user ${event.userId} ${shortId(event.id)} is a slow consumer (${event.bufferedBytes} bytes buffered): ${event.policy === 'drop' ? 'dropping messages' : 'closed'}`;
    case 'cluster':
      return event.text;
  }
}

/** ` on hub <name>` for a socket on another hub of the cluster. */
function onHub(hub: string | undefined): string {
  return hub === undefined ? '' : ` on hub ${hub}`;
}

type PublishedEvent = Extract<RelayEvent, { type: 'published' }>;

/** Who published, for the log: a device (its short id), the GUI, or an HTTP client. */
function publisherOf(event: PublishedEvent): string {
  if (event.origin === 'device' && event.clientId !== null) return `device ${shortId(event.clientId)} `;
  if (event.origin === 'cluster') return 'another hub ';
  return event.origin === 'gui' ? 'the GUI ' : '';
}

function describePublish(event: PublishedEvent, count: number, delivered: number): string {
  const { topic, userId } = event;
  const target = userId === null ? topic : `${topic} for user ${userId}`;
  const what = count === 1 ? 'published' : `published ${count} messages`;
  return `${publisherOf(event)}${what} to ${target}: delivered to ${delivered}`;
}

/** A run of like events (publishes to one target, drops for one client) merged into one log line. */
interface Run {
  entry: LogEntry;
  key: string;
  count: number;
  total: number;
  describe: (count: number, total: number) => string;
}

/** Subscribes to the relay and produces coalesced updates. */
export function createHubFeed(relay: Relay, options: HubFeedOptions): HubFeed {
  const intervalMs = options.intervalMs ?? 100;
  const logSize = Math.max(1, options.logSize ?? 500);
  const fullListIntervalMs = options.fullListIntervalMs ?? 1000;
  const listeners = new Set<(update: HubUpdate) => void>();
  const log: LogEntry[] = [];
  let seq = 0;

  // Pending changes since the last update.
  const dirty = new Set<string>();
  const removed = new Set<string>();
  let pendingLog: LogEntry[] = [];
  // Open runs of the pending update, by key: interleaved firehoses still merge.
  const runs = new Map<string, Run>();
  let changed = false;
  let countersChanged = false;

  let timer: NodeJS.Timeout | null = null;
  let timerAt = 0;
  let lastFlushAt = Date.now();
  let lastFullAt = 0;
  let lastDelivered = relay.stats().delivered;
  let lastRate = 0;
  const config = (): HubConfig | null => options.config?.() ?? null;
  // Status and security are small and sent with every update; settings only when they changed.
  const statusKey = (): string => JSON.stringify([options.status(), securityOf(relay.options), relay.cluster()]);
  let lastStatus = statusKey();
  let lastConfig = JSON.stringify(config());
  let closed = false;

  const append = (kind: RelayEvent['type'], text: string): LogEntry => {
    const entry: LogEntry = { seq: ++seq, at: Date.now(), kind, text };
    log.push(entry);
    if (log.length > logSize) log.splice(0, log.length - logSize);
    pendingLog.push(entry);
    if (pendingLog.length > logSize) pendingLog = pendingLog.slice(-logSize);
    return entry;
  };

  /** Appends a line, or extends the pending line of the same run (a firehose stays one line per key and update). */
  const appendMerged = (
    kind: RelayEvent['type'],
    key: string,
    amount: number,
    describe: (count: number, total: number) => string,
  ): void => {
    const run = runs.get(key);
    if (run) {
      run.count++;
      run.total += amount;
      run.entry.text = run.describe(run.count, run.total);
      run.entry.at = Date.now();
      return;
    }
    runs.set(key, { entry: append(kind, describe(1, amount)), key, count: 1, total: amount, describe });
  };

  const onPublished = (event: PublishedEvent): void => {
    countersChanged = true;
    // The publishing device's row shows its published count.
    if (event.clientId !== null) dirty.add(event.clientId);
    const key = `published\u0000${event.origin}\u0000${event.clientId ?? ''}\u0000${event.userId ?? ''}\u0000${event.topic}`;
    appendMerged('published', key, event.receipt.delivered, (count, delivered) =>
      describePublish(event, count, delivered),
    );
  };

  const onSlowConsumer = (event: Extract<RelayEvent, { type: 'slow-consumer' }>): void => {
    dirty.add(event.id);
    appendMerged('slow-consumer', `slow\u0000${event.id}`, 1, (count) =>
      count === 1
        ? describeEvent(event)
        : `user ${event.userId} ${shortId(event.id)} is a slow consumer: dropped ${count} messages`,
    );
  };

  const onEvent = (event: RelayEvent): void => {
    // The firehoses (publishes, drops) cost work per message: nobody watching, nothing to do.
    // Structural events still go to the log, so a GUI that opens later sees recent history.
    if (listeners.size === 0 && (event.type === 'published' || event.type === 'slow-consumer')) return;
    changed = true;
    switch (event.type) {
      case 'published':
        onPublished(event);
        break;
      case 'unregistered':
        dirty.delete(event.id);
        removed.add(event.id);
        append(event.type, describeEvent(event));
        break;
      case 'slow-consumer':
        onSlowConsumer(event);
        break;
      case 'cluster':
        append(event.type, describeEvent(event));
        break;
      case 'registered':
      case 'connected':
      case 'disconnected':
      case 'topics': {
        // The event says what happened, the snapshot at flush time says what is true now
        // (a `disconnected` of a replaced connection arrives while the id is still connected).
        const id = event.type === 'registered' || event.type === 'connected' ? event.client.id : event.id;
        dirty.add(id);
        append(event.type, describeEvent(event));
        break;
      }
    }
    schedule();
  };

  const schedule = (at = Math.max(Date.now(), lastFlushAt + intervalMs)): void => {
    if (closed || (timer !== null && timerAt <= at)) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(flush, Math.max(0, at - Date.now()));
    timer.unref();
  };

  const build = (snapshot: HubSnapshot, now: number): HubUpdate => {
    // Deliveries since the last update, per second; after a quiet spell count the last second only.
    const elapsed = Math.min(Math.max(now - lastFlushAt, intervalMs), 1000) / 1000;
    const rate = Math.round((snapshot.stats.delivered - lastDelivered) / elapsed);
    const update: HubUpdate = {
      status: options.status(),
      security: securityOf(relay.options),
      stats: snapshot.stats,
      deliveredPerSecond: rate,
      users: snapshot.users,
      topics: snapshot.topics,
      log: pendingLog,
    };
    const cluster = relay.cluster();
    if (cluster !== null) update.cluster = cluster;
    const fullDue = countersChanged && now - lastFullAt >= fullListIntervalMs;
    if (fullDue || (dirty.size > 64 && dirty.size > snapshot.clients.length / 2)) {
      update.clients = snapshot.clients;
      lastFullAt = now;
      countersChanged = false;
    } else {
      const upserts = pick(snapshot.clients, dirty);
      if (upserts.length > 0) update.upserts = upserts;
      const present = new Set(upserts.map((client) => client.id));
      const gone = [...new Set([...removed, ...dirty])].filter((id) => !present.has(id));
      if (gone.length > 0) update.removed = gone;
    }
    const current = config();
    const configKey = JSON.stringify(current);
    if (current !== null && configKey !== lastConfig) update.config = current;
    lastConfig = configKey;
    lastDelivered = snapshot.stats.delivered;
    lastRate = rate;
    return update;
  };

  const resetPending = (): void => {
    dirty.clear();
    removed.clear();
    pendingLog = [];
    runs.clear();
    changed = false;
  };

  function flush(): void {
    timer = null;
    if (closed) return;
    const now = Date.now();
    const status = statusKey();
    const statusChanged = status !== lastStatus;
    const rateMayChange = lastRate !== 0 || relay.stats().delivered !== lastDelivered;
    if (!changed && !statusChanged && !rateMayChange && !countersChanged) return;
    if (listeners.size === 0) {
      // Nobody watches: skip the snapshot; a GUI that subscribes later starts from init().
      lastStatus = status;
      lastConfig = JSON.stringify(config());
      lastFlushAt = now;
      lastDelivered = relay.stats().delivered;
      lastRate = 0;
      countersChanged = false;
      resetPending();
      return;
    }
    const previousRate = lastRate;
    const update = build(relay.snapshot(), now);
    lastStatus = status;
    lastFlushAt = now;
    const worthSending =
      changed ||
      statusChanged ||
      update.config !== undefined ||
      update.deliveredPerSecond !== previousRate ||
      update.clients !== undefined;
    resetPending();
    if (worthSending) {
      for (const listener of listeners) {
        try {
          listener(update);
        } catch (error) {
          console.error('hub feed listener failed:', error);
        }
      }
    }
    // Trailing refreshes: counters not yet sent in a full list, and the rate falling back to 0.
    if (countersChanged) schedule(lastFullAt + fullListIntervalMs);
    else if (update.deliveredPerSecond !== 0) schedule(now + fullListIntervalMs);
  }

  const unsubscribe = relay.on(onEvent);
  // In a cluster, the other hubs' device counts change with their heartbeats, not with this hub's
  // events: look once a second (an update goes out only when something changed).
  const clusterTicker = setInterval(() => {
    if (listeners.size > 0 && relay.cluster() !== null) schedule();
  }, 1000);
  clusterTicker.unref();

  return {
    init() {
      // Lines handed out here are final: later events of an open run start a new line.
      runs.clear();
      const snapshot = relay.snapshot();
      return {
        status: options.status(),
        clients: snapshot.clients,
        users: snapshot.users,
        topics: snapshot.topics,
        stats: snapshot.stats,
        config: config() ?? fallbackConfig(relay.options),
        security: securityOf(relay.options),
        dashboard: options.dashboard?.() ?? null,
        log: [...log],
        ...clusterOf(relay),
      };
    },
    subscribe(listener) {
      if (listeners.size === 0) {
        // Rates restart from now: deliveries made while nobody watched are not a spike.
        lastDelivered = relay.stats().delivered;
        lastFlushAt = Date.now();
        lastRate = 0;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh() {
      changed = true;
      schedule();
    },
    close() {
      closed = true;
      clearInterval(clusterTicker);
      unsubscribe();
      listeners.clear();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** The config of a feed created without one (unit tests): the relay's options, not saved. */
function fallbackConfig(options: Relay['options']): HubConfig {
  return {
    settings: { ...settingsOf(options), quitOnClose: false },
    persisted: false,
    dataDir: options.dataDir,
    tokenFile: null,
  };
}

/** `{cluster}` for a hub in a cluster, else nothing. */
function clusterOf(relay: Relay): { cluster?: ClusterInfo } {
  const cluster = relay.cluster();
  return cluster === null ? {} : { cluster };
}

function pick(clients: readonly ClientInfo[], ids: ReadonlySet<string>): ClientInfo[] {
  return ids.size === 0 ? [] : clients.filter((client) => ids.has(client.id));
}
