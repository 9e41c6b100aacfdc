/**
 * The relay's state and behaviour without the network: registrations, live connections,
 * publishing, heartbeats, statistics and events. `server.ts` feeds it sockets and requests.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, type DisconnectReason, type PublishReceipt } from '../../../shared/api';
import type { ClientInfo, ClusterInfo, HubSnapshot, HubStats, PublishOrigin, RelayEvent } from '../../../shared/hub';
import type { DeliveryFormat } from '../../../shared/protocol';
import { sharedOf, type Directory } from './cluster';
import { Connection, type ConnectionHooks } from './connection';
import { MemoryEngine } from './engine/memory';
import type { Engine, HistoryLimits, Payload, Publication, Published } from './engine/types';
import { replicaOf } from './replica';
import { Delivery, FlushScheduler, rawFrameLength } from './fanout';
import { answerSubscribe } from './subscribe';
import { createLogger, type Logger } from './log';
import type { RelayOptions } from './options';
import { Registry, type ClientRecord } from './registry';
import type { RegistrationStore } from './store';

/** Receives every relay event. */
export type RelayListener = (event: RelayEvent) => void;

/** Where a publish comes from: the HTTP route, the GUI, or a device's socket (skipped unless `echo`). */
export interface PublishSource {
  origin: PublishOrigin;
  from?: Connection;
  echo?: boolean;
}

type Record = ClientRecord<Connection>;

/** Counters that outlive individual clients. */
interface Totals {
  published: number;
  delivered: number;
  droppedMessages: number;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
}

/** Counters only the metrics read (not part of the GUI's stats). */
export interface HubCounters {
  /** Bytes of published frames (each message counted once). */
  publishedBytes: number;
  /** Bytes queued to devices (a frame counted once per recipient). */
  deliveredBytes: number;
  /** Requests refused with a 4xx (or 503 at a capacity limit), by error code. */
  readonly rejected: Map<string, number>;
  /** Device sockets ended, by `<reason> <close code>` (e.g. `error 1009`). */
  readonly disconnects: Map<string, number>;
  /** TLS connections that failed before a request (bad handshake, untrusted certificate, timeout). */
  tlsHandshakeFailures: number;
  /** When the served TLS certificate expires (ms since the epoch; a gauge), or null without TLS. */
  tlsNotAfter: number | null;
}

/** What a hub can have besides its options. */
export interface HubExtras {
  /** Journal of registrations (a data dir); without it the hub keeps them in memory only. */
  store?: RegistrationStore | null;
  /** Structured log (silent by default). */
  log?: Logger;
  /** The engine (default: in memory, with the options' history limits). */
  engine?: Engine;
  /** In a cluster: where registrations and sockets are shared with the other hubs. */
  directory?: Directory | null;
}

/** The history limits in the relay's options. */
export function historyLimitsOf(options: RelayOptions): HistoryLimits {
  return { perTopic: options.historySize, ttlMs: options.historyTtlMs, maxBytes: options.historyMaxBytes };
}

export class Hub {
  readonly startedAt = Date.now();
  // While restoring, the registry takes the stored id instead of a new one.
  #restoringId: string | null = null;
  readonly #registry = new Registry<Connection>(() => this.#restoringId ?? randomUUID().replaceAll('-', ''));
  readonly #store: RegistrationStore | null;
  readonly #connIds = new WeakMap<Connection, number>();
  #connSeq = 0;
  /** Counters for the metrics. */
  readonly counters: HubCounters = {
    publishedBytes: 0,
    deliveredBytes: 0,
    rejected: new Map(),
    disconnects: new Map(),
    tlsHandshakeFailures: 0,
    tlsNotAfter: null,
  };
  /** The structured log. */
  readonly log: Logger;
  readonly #connections = new Set<Connection>();
  readonly #listeners = new Set<RelayListener>();
  readonly #scheduler = new FlushScheduler();
  readonly #totals: Totals = {
    published: 0,
    delivered: 0,
    droppedMessages: 0,
    slowConsumerCloses: 0,
    heartbeatTerminations: 0,
  };
  readonly #hooks: ConnectionHooks = {
    onTopics: (connection, topics, since) => {
      // In a cluster this hub may lag the one the device came from by a moment: caught up first.
      this.engine.whenCurrent(since, () => {
        const record = connection.record;
        if (this.#registry.get(record.id) !== record) return;
        this.#registry.setTopics(record, topics);
        this.#store?.topicsChanged(record.id, record.topics);
        this.#directory?.topicsChanged(sharedOf(record));
        this.#emit(() => ({ type: 'topics', id: record.id, userId: record.userId, topics: [...record.topics] }));
        // What a subscribe brings: what was missed (asked with `since`), or the retained message.
        answerSubscribe(this.engine, connection, topics, since);
      });
    },
    onPublish: (connection, { topic, message, user_id: userId, retain }, echo) => {
      if (this.messageTooLarge(message)) {
        this.noteRejected('message_too_large');
        return {
          code: 'message_too_large',
          message: `message is larger than ${this.options.maxMessageBytes} bytes (UTF-8)`,
        };
      }
      connection.record.published++;
      return this.publish(topic, message, userId, { origin: 'device', from: connection, echo }, retain === true);
    },
    onSlowConsumer: (connection, bufferedBytes) => {
      const policy = this.options.slowConsumerPolicy;
      const { id, userId, dropped } = connection.record;
      if (policy === 'drop') this.#totals.droppedMessages++;
      else this.#totals.slowConsumerCloses++;
      // One line per connection, not per dropped frame: the disconnect line gives the total.
      if (policy === 'close' || dropped === 0) {
        const conn = this.#connIds.get(connection);
        this.log.warn({ conn, client: id, user: userId, bufferedBytes, policy }, 'slow consumer');
      }
      this.#emit(() => ({ type: 'slow-consumer', id, userId, bufferedBytes, policy }));
    },
    onClose: (connection, reason, code) => this.#onClose(connection, reason, code),
  };

  /** Where publications get their offsets, and where history and retained messages live. */
  engine: Engine;
  #directory: Directory | null;

  constructor(
    readonly options: RelayOptions,
    extras: HubExtras = {},
  ) {
    this.#store = extras.store ?? null;
    this.engine = extras.engine ?? new MemoryEngine(historyLimitsOf(options));
    this.engine.bind(this.#deliver);
    this.#directory = extras.directory ?? null;
    this.log = extras.log ?? createLogger('silent');
  }

  /** Switches to another engine, and cluster directory (between a stop and a start: no socket is open). */
  useEngine(engine: Engine, directory: Directory | null): void {
    this.engine = engine;
    this.#directory = directory;
    engine.bind(this.#deliver);
  }

  /** In a cluster: the seam through which the other hubs change this one (see `core/cluster.ts`). */
  replica() {
    return replicaOf(this.#registry, this.#store, {
      add: (id, userId, registeredAt) => {
        this.#restoringId = id;
        try {
          return this.#registry.add(userId, registeredAt);
        } finally {
          this.#restoringId = null;
        }
      },
      emit: (build) => this.#emit(build),
      info: (record) => this.#info(record),
      unregister: (id) => this.unregister(id, undefined, false),
      connections: () => this.#connections,
    });
  }

  /** In a cluster: resolves once what this hub changed is known to the others (at once for a single hub). */
  settled(): Promise<void> | null {
    return this.#directory?.settled() ?? null;
  }

  /** The cluster as the operator sees it, or null for a single hub. */
  clusterInfo(): ClusterInfo | null {
    return this.#directory?.info() ?? null;
  }

  /** In a cluster: tells the listeners (the GUI's log) that it joined, lost Redis or rejoined. */
  noteCluster(state: ClusterInfo['state'], text: string): void {
    this.#emit(() => ({ type: 'cluster', state, text }));
  }

  /** In a cluster: looks up a registration another hub made a moment ago; null for a single hub. */
  lookup(id: string): Promise<boolean> | null {
    return this.#directory?.lookup(id) ?? null;
  }

  /** Loads every stored registration (same ids, users, topics and times); returns how many. */
  restore(): number {
    const store = this.#store;
    if (!store) return 0;
    for (const stored of store.all()) {
      this.#restoringId = stored.id;
      try {
        const record = this.#registry.add(stored.userId, stored.registeredAt);
        if (record.topics.join('\n') !== stored.topics.join('\n')) this.#registry.setTopics(record, stored.topics);
      } finally {
        this.#restoringId = null;
      }
    }
    return store.size;
  }

  /** Removes registrations with no connection and no activity for `idleMs` (never before the hub ran that long). */
  expireIdle(idleMs: number, now: number = Date.now()): number {
    const before = now - idleMs;
    if (!this.#store || this.startedAt > before) return 0;
    let expired = 0;
    for (const id of this.#store.idleSince(before)) {
      const record = this.#registry.get(id);
      if (record?.link || this.#directory?.locationOf(id)) continue; // connected here, or on another hub
      this.log.info({ client: id, user: record?.userId, idleMs }, 'registration expired');
      if (this.unregister(id)) expired++;
    }
    return expired;
  }

  /** Subscribes to every state change; returns the unsubscribe function. */
  on(listener: RelayListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Creates a registration for a user (topics `["cats"]`). */
  register(userId: number, req?: string): ClientInfo {
    const record = this.#registry.add(userId);
    try {
      // On disk before anyone is told about it.
      this.#store?.added(record.id, userId, record.topics, record.registeredAt);
    } catch (error) {
      this.#registry.remove(record.id);
      this.log.error({ req, user: userId, err: error }, 'cannot store registration');
      throw error;
    }
    this.log.info({ req, client: record.id, user: userId }, 'registered');
    this.#directory?.registered(sharedOf(record));
    const info = this.#info(record);
    this.#emit(() => ({ type: 'registered', client: info }));
    return info;
  }

  /** True when another registration would pass `maxRegistrations`. */
  get full(): boolean {
    const max = this.options.maxRegistrations;
    return max > 0 && this.#registry.size >= max;
  }

  /** True when `message` is over `maxMessageBytes` in UTF-8 (measured only when it could be). */
  messageTooLarge(message: Payload): boolean {
    const max = this.options.maxMessageBytes;
    if (typeof message !== 'string') return message.length > max;
    // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: most messages need no measuring.
    if (message.length * 3 <= max) return false;
    return message.length > max || Buffer.byteLength(message) > max;
  }

  /** True when the id is registered. */
  has(id: string): boolean {
    return this.#registry.get(id) !== undefined;
  }

  /** Removes a registration and closes its live socket (4000 "unregistered"); `shared` false: another hub removed it. */
  unregister(id: string, req?: string, shared = true): boolean {
    if (!this.#registry.get(id)) return false;
    this.#store?.removed(id);
    const record = this.#registry.remove(id);
    if (!record) return false;
    if (shared) this.#directory?.unregistered(id);
    this.log.info({ req, client: id, user: record.userId }, 'unregistered');
    record.link?.close(CloseCode.unregistered, 'unregistered');
    this.#emit(() => ({ type: 'unregistered', id, userId: record.userId }));
    return true;
  }

  /** Removes every registration of a user; returns how many were removed. */
  unregisterUser(userId: number): number {
    const ids = [...this.#registry.clientsOf(userId)].map((record) => record.id);
    for (const id of ids) this.unregister(id);
    return ids.length;
  }

  /**
   * Sends `message` to every connected subscriber of `topic` (only `userId`'s, when given), each in
   * its connection's format; a device's own publish skips its sender unless it asked for an echo.
   * In a cluster the engine delivers it on every hub and the receipt comes once they have counted.
   */
  publish(
    topic: string,
    message: Payload,
    userId?: number,
    source: PublishSource = { origin: 'http' },
    retain = false,
  ): PublishReceipt | Promise<PublishReceipt> {
    // In the history (and on disk, or in Redis) before anyone is told about it.
    const published = this.engine.publish(topic, message, userId, Date.now(), retain, source);
    if (published instanceof Promise) return published.then((done) => this.#receipt(done, source));
    return this.#receipt(published, source);
  }

  /** The fan-out on this hub (the engine calls it; `source` undefined: published on another hub). */
  readonly #deliver = (publication: Publication, epoch: string, source: unknown): number => {
    const { topic, message, userId, ts, offset } = publication;
    const delivery = new Delivery(topic, message, userId, ts, offset, epoch);
    const from = source === undefined ? undefined : (source as PublishSource);
    const skip = from?.echo === true ? undefined : from?.from;
    let delivered = 0;
    let deliveredBytes = 0;
    for (const record of this.#registry.recipients(topic, userId)) {
      const link = record.link;
      if (link === null || link === skip || !link.deliver(delivery)) continue;
      delivered++;
      deliveredBytes += delivery.frame(link.format).length;
    }
    this.#registry.notePublished(topic);
    this.#totals.delivered += delivered;
    this.counters.deliveredBytes += deliveredBytes;
    const bytes = delivery.raw().length;
    if (from !== undefined) this.counters.publishedBytes += bytes;
    else {
      const receipt: PublishReceipt = { delivered, offset, epoch };
      this.#emit(() => ({
        type: 'published',
        topic,
        userId: userId ?? null,
        bytes,
        receipt,
        origin: 'cluster',
        clientId: null,
      }));
    }
    return delivered;
  };

  #receipt({ publication, epoch, delivered, cluster }: Published, source: PublishSource): PublishReceipt {
    this.#totals.published++;
    const receipt: PublishReceipt = { delivered, offset: publication.offset, epoch };
    if (cluster !== undefined) receipt.cluster = cluster;
    const { origin, from } = source;
    const { topic, userId, message } = publication;
    this.#emit(() => ({
      type: 'published',
      topic,
      userId: userId ?? null,
      bytes: rawFrameLength(message),
      receipt,
      origin,
      clientId: from?.record.id ?? null,
    }));
    return receipt;
  }

  /** Attaches an upgraded socket to a registration, replacing any older connection on it. */
  attach(
    id: string,
    ws: WebSocket,
    remoteAddress: string | undefined,
    format: DeliveryFormat = 'raw',
    waitForSubscribe = false,
  ): Connection | null {
    const record = this.#registry.get(id);
    if (!record) {
      // Unregistered while the upgrade was in flight.
      ws.close(CloseCode.unregistered, 'unregistered');
      return null;
    }
    record.link?.close(CloseCode.replaced, 'replaced');
    const connection = new Connection(
      ws,
      record,
      this.options,
      this.#scheduler,
      this.#hooks,
      remoteAddress,
      format,
      waitForSubscribe,
    );
    record.link = connection;
    this.#connections.add(connection);
    const conn = ++this.#connSeq;
    this.#connIds.set(connection, conn);
    this.#store?.seen(id);
    this.#directory?.connected(id, connection.remoteAddress);
    this.log.info({ conn, client: id, user: record.userId, remote: remoteAddress }, 'connected');
    const info = this.#info(record);
    this.#emit(() => ({ type: 'connected', client: info }));
    return connection;
  }

  /** One heartbeat round: terminate clients that missed the previous ping, ping the rest. */
  heartbeat(): void {
    for (const connection of this.#connections) {
      if (!connection.isAlive) {
        this.#totals.heartbeatTerminations++;
        const { id, userId } = connection.record;
        this.log.warn({ conn: this.#connIds.get(connection), client: id, user: userId }, 'heartbeat timeout');
        connection.terminate('heartbeat_timeout');
        continue;
      }
      connection.isAlive = false;
      connection.ws.ping();
    }
  }

  /** Live connections (for shutdown). */
  connections(): ReadonlySet<Connection> {
    return this.#connections;
  }

  /** Flushes corked sockets now. */
  flush(): void {
    this.#scheduler.flushNow();
  }

  /** Counts a refused request (a 4xx) by its error code. */
  noteRejected(code: string): void {
    const rejected = this.counters.rejected;
    rejected.set(code, (rejected.get(code) ?? 0) + 1);
  }

  /** fsync calls of the registration store (one per acknowledged change with `fsync`): 0 without a data dir. */
  get storeFsyncs(): number {
    return this.#store?.fsyncs ?? 0;
  }

  /** Counts for `/health` and the GUI header. */
  stats(): HubStats {
    return {
      registered: this.#registry.size,
      connected: this.#connections.size,
      users: this.#registry.userCount,
      topics: this.#registry.topicCount,
      ...this.#totals,
    };
  }

  /** Everything the operator GUI shows. */
  snapshot(): HubSnapshot {
    return {
      startedAt: this.startedAt,
      clients: Array.from(this.#registry.all(), (record) => this.#info(record)),
      users: this.#registry.users(),
      topics: this.#registry.topics(),
      stats: this.stats(),
    };
  }

  #onClose(connection: Connection, reason: DisconnectReason, code: number): void {
    this.#connections.delete(connection);
    const { record } = connection;
    if (record.link === connection) {
      record.link = null;
      if (this.#registry.get(record.id) === record) this.#directory?.disconnected(record.id, { reason, code });
    }
    this.#store?.seen(record.id);
    const key = `${reason} ${code}`;
    this.counters.disconnects.set(key, (this.counters.disconnects.get(key) ?? 0) + 1);
    const conn = this.#connIds.get(connection);
    this.log.info(
      { conn, client: record.id, user: record.userId, reason, code, dropped: record.dropped },
      'disconnected',
    );
    this.#emit(() => ({ type: 'disconnected', id: record.id, userId: record.userId, reason, code }));
  }

  /** Builds the event only when someone listens; a throwing listener never breaks the relay. */
  #emit(build: () => RelayEvent): void {
    if (this.#listeners.size === 0) return;
    const event = build();
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          // Surface the bug without unwinding the relay's own call stack.
          console.error('relay listener failed:', error);
        });
      }
    }
  }

  /** The operator's view of one registration (in a cluster, with the hub that holds its socket). */
  #info(record: Record): ClientInfo {
    const directory = this.#directory;
    if (directory === null) return toClientInfo(record);
    const hub = record.link !== null ? directory.self : directory.locationOf(record.id);
    return { ...toClientInfo(record, hub !== null), hub };
  }
}

/** The operator's view of one registration (`elsewhere`: its socket is on another hub of the cluster). */
export function toClientInfo(record: Record, elsewhere = false): ClientInfo {
  const link = record.link;
  return {
    id: record.id,
    userId: record.userId,
    topics: [...record.topics],
    connected: link !== null || elsewhere,
    remoteAddress: link?.remoteAddress ?? null,
    connectedSince: link?.connectedAt ?? null,
    registeredAt: record.registeredAt,
    messagesSent: record.messagesSent,
    published: record.published,
    bytesSent: record.bytesSent,
    bufferedBytes: link?.bufferedBytes ?? 0,
    dropped: record.dropped,
  };
}
