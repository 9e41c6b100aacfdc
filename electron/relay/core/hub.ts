/**
 * The relay's state and behaviour without the network: registrations, live connections,
 * publishing, heartbeats, statistics and events. `server.ts` feeds it sockets and requests.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, type DisconnectReason, type PublishReceipt } from '../../../shared/api';
import type {
  ClientInfo,
  HubSnapshot,
  HubStats,
  PublishOrigin,
  RelayEvent,
  RelayEventType,
  TopicInfo,
  UserInfo,
} from '../../../shared/hub';
import { Connection, type ConnectionHooks } from './connection';
import { FlushScheduler, frameText } from './fanout';
import { createLogger, type Logger } from './log';
import type { RelayOptions } from './options';
import { Registry, type ClientRecord } from './registry';
import type { RegistrationStore } from './store';

/** Receives every relay event. */
export type RelayListener = (event: RelayEvent) => void;

/** Visits one registration's live counters (no object is built per client). */
export type CounterVisitor = (
  id: string,
  messagesSent: number,
  bytesSent: number,
  bufferedBytes: number,
  dropped: number,
) => void;

/** Events sent for every message (a publish, a dropped frame): built only when a listener asked for them. */
const firehose: ReadonlySet<RelayEventType> = new Set(['published', 'slow-consumer']);

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
  /** Each listener with the event types it wants (null: all). */
  readonly #listeners = new Map<RelayListener, ReadonlySet<RelayEventType> | null>();
  /** Listeners that want the per-message events: without one, a publish builds no event at all. */
  #firehoseListeners = 0;
  readonly #scheduler = new FlushScheduler();
  readonly #totals: Totals = {
    published: 0,
    delivered: 0,
    droppedMessages: 0,
    slowConsumerCloses: 0,
    heartbeatTerminations: 0,
  };
  readonly #hooks: ConnectionHooks = {
    onTopics: (connection, topics) => {
      const record = connection.record;
      if (this.#registry.get(record.id) !== record) return;
      this.#registry.setTopics(record, topics);
      this.#store?.topicsChanged(record.id, record.topics);
      this.#emit(() => ({ type: 'topics', id: record.id, userId: record.userId, topics: [...record.topics] }));
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
      if (this.#firehoseListeners > 0) this.#emit(() => ({ type: 'slow-consumer', id, userId, bufferedBytes, policy }));
    },
    onClose: (connection, reason, code) => this.#onClose(connection, reason, code),
  };

  constructor(
    readonly options: RelayOptions,
    extras: HubExtras = {},
  ) {
    this.#store = extras.store ?? null;
    this.log = extras.log ?? createLogger('silent');
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
      if (record?.link) continue;
      this.log.info({ client: id, user: record?.userId, idleMs }, 'registration expired');
      if (this.unregister(id)) expired++;
    }
    return expired;
  }

  /**
   * Subscribes to state changes (only `types` when given: a listener that leaves out `published`
   * and `slow-consumer` costs nothing per message); returns the unsubscribe function.
   */
  on(listener: RelayListener, types?: readonly RelayEventType[]): () => void {
    if (this.#listeners.has(listener)) return () => undefined;
    const wanted = types === undefined ? null : new Set(types);
    const firehoseToo = wanted === null || [...firehose].some((type) => wanted.has(type));
    this.#listeners.set(listener, wanted);
    if (firehoseToo) this.#firehoseListeners++;
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (firehoseToo) this.#firehoseListeners--;
    };
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
    const info = toClientInfo(record);
    this.#emit(() => ({ type: 'registered', client: info }));
    return info;
  }

  /** True when another registration would pass `maxRegistrations`. */
  get full(): boolean {
    const max = this.options.maxRegistrations;
    return max > 0 && this.#registry.size >= max;
  }

  /** True when `message` is over `maxMessageBytes` in UTF-8 (measured only when it could be). */
  messageTooLarge(message: string): boolean {
    const max = this.options.maxMessageBytes;
    // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: most messages need no measuring.
    if (message.length * 3 <= max) return false;
    return message.length > max || Buffer.byteLength(message) > max;
  }

  /** True when the id is registered. */
  has(id: string): boolean {
    return this.#registry.get(id) !== undefined;
  }

  /** Removes a registration and closes its live socket (4000 "unregistered"). */
  unregister(id: string, req?: string): boolean {
    if (!this.#registry.get(id)) return false;
    this.#store?.removed(id);
    const record = this.#registry.remove(id);
    if (!record) return false;
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

  /** Sends `message` to every connected subscriber of `topic` (only `userId`'s, when given). */
  publish(topic: string, message: string, userId?: number, origin: PublishOrigin = 'http'): PublishReceipt {
    const frame = frameText(message);
    let delivered = 0;
    for (const record of this.#registry.recipients(topic, userId)) {
      if (record.link?.deliver(frame)) delivered++;
    }
    this.#registry.notePublished(topic);
    this.#totals.published++;
    this.#totals.delivered += delivered;
    this.counters.publishedBytes += frame.length;
    this.counters.deliveredBytes += frame.length * delivered;
    const receipt: PublishReceipt = { delivered };
    if (this.#firehoseListeners > 0) {
      const bytes = frame.length;
      this.#emit(() => ({ type: 'published', topic, userId: userId ?? null, bytes, receipt, origin, message }));
    }
    return receipt;
  }

  /** Attaches an upgraded socket to a registration, replacing any older connection on it. */
  attach(id: string, ws: WebSocket, remoteAddress: string | undefined): Connection | null {
    const record = this.#registry.get(id);
    if (!record) {
      // Unregistered while the upgrade was in flight.
      ws.close(CloseCode.unregistered, 'unregistered');
      return null;
    }
    record.link?.close(CloseCode.replaced, 'replaced');
    const connection = new Connection(ws, record, this.options, this.#scheduler, this.#hooks, remoteAddress);
    record.link = connection;
    this.#connections.add(connection);
    const conn = ++this.#connSeq;
    this.#connIds.set(connection, conn);
    this.#store?.seen(id);
    this.log.info({ conn, client: id, user: record.userId, remote: remoteAddress }, 'connected');
    const info = toClientInfo(record);
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

  /** One registration as the operator sees it, or null when unknown. */
  client(id: string): ClientInfo | null {
    const record = this.#registry.get(id);
    return record ? toClientInfo(record) : null;
  }

  /** One user with its registrations' ids, or null when it has none. */
  user(userId: number): UserInfo | null {
    const records = this.#registry.clientsOf(userId);
    return records.length === 0 ? null : { userId, clientIds: records.map((r) => r.id) };
  }

  /** Topics with subscriber and publish counts. */
  topics(): TopicInfo[] {
    return this.#registry.topics();
  }

  /** Visits every registration's counters, in registration order, without building objects. */
  visitCounters(visit: CounterVisitor): void {
    for (const record of this.#registry.all()) {
      visit(record.id, record.messagesSent, record.bytesSent, record.link?.bufferedBytes ?? 0, record.dropped);
    }
  }

  /** Everything the operator GUI shows. */
  snapshot(): HubSnapshot {
    return {
      startedAt: this.startedAt,
      clients: Array.from(this.#registry.all(), toClientInfo),
      users: this.#registry.users(),
      topics: this.#registry.topics(),
      stats: this.stats(),
    };
  }

  #onClose(connection: Connection, reason: DisconnectReason, code: number): void {
    this.#connections.delete(connection);
    const { record } = connection;
    if (record.link === connection) record.link = null;
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
    for (const [listener, types] of this.#listeners) {
      if (types !== null && !types.has(event.type)) continue;
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
}

/** The operator's view of one registration. */
export function toClientInfo(record: Record): ClientInfo {
  const link = record.link;
  return {
    id: record.id,
    userId: record.userId,
    topics: [...record.topics],
    connected: link !== null,
    remoteAddress: link?.remoteAddress ?? null,
    connectedSince: link?.connectedAt ?? null,
    registeredAt: record.registeredAt,
    messagesSent: record.messagesSent,
    bytesSent: record.bytesSent,
    bufferedBytes: link?.bufferedBytes ?? 0,
    dropped: record.dropped,
  };
}
