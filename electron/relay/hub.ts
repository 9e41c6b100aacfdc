/**
 * The relay's state and behaviour without the network: registrations, live connections,
 * publishing, heartbeats, statistics and events. `server.ts` feeds it sockets and requests.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, type DisconnectReason, type PublishReceipt } from '../../shared/api';
import type { ClientInfo, HubSnapshot, HubStats, RelayEvent } from '../../shared/hub';
import { Connection, type ConnectionHooks } from './connection';
import { FlushScheduler, frameText } from './fanout';
import type { RelayOptions } from './options';
import { Registry, type ClientRecord } from './registry';

/** Receives every relay event. */
export type RelayListener = (event: RelayEvent) => void;

type Record = ClientRecord<Connection>;

/** Counters that outlive individual clients. */
interface Totals {
  published: number;
  delivered: number;
  droppedMessages: number;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
}

export class Hub {
  readonly startedAt = Date.now();
  readonly #registry = new Registry<Connection>(() => randomUUID().replaceAll('-', ''));
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
    onTopics: (connection, topics) => {
      const record = connection.record;
      if (this.#registry.get(record.id) !== record) return;
      this.#registry.setTopics(record, topics);
      this.#emit(() => ({ type: 'topics', id: record.id, userId: record.userId, topics: [...record.topics] }));
    },
    onSlowConsumer: (connection, bufferedBytes) => {
      const policy = this.options.slowConsumerPolicy;
      if (policy === 'drop') this.#totals.droppedMessages++;
      else this.#totals.slowConsumerCloses++;
      const { id, userId } = connection.record;
      this.#emit(() => ({ type: 'slow-consumer', id, userId, bufferedBytes, policy }));
    },
    onClose: (connection, reason, code) => this.#onClose(connection, reason, code),
  };

  constructor(readonly options: RelayOptions) {}

  /** Subscribes to every state change; returns the unsubscribe function. */
  on(listener: RelayListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Creates a registration for a user (topics `["cats"]`). */
  register(userId: number): ClientInfo {
    const record = this.#registry.add(userId);
    const info = toClientInfo(record);
    this.#emit(() => ({ type: 'registered', client: info }));
    return info;
  }

  /** True when the id is registered. */
  has(id: string): boolean {
    return this.#registry.get(id) !== undefined;
  }

  /** Removes a registration and closes its live socket (4000 "unregistered"). */
  unregister(id: string): boolean {
    const record = this.#registry.remove(id);
    if (!record) return false;
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
  publish(topic: string, message: string, userId?: number): PublishReceipt {
    const frame = frameText(message);
    let delivered = 0;
    for (const record of this.#registry.recipients(topic, userId)) {
      if (record.link?.deliver(frame)) delivered++;
    }
    this.#registry.notePublished(topic);
    this.#totals.published++;
    this.#totals.delivered += delivered;
    const receipt: PublishReceipt = { delivered };
    this.#emit(() => ({ type: 'published', topic, userId: userId ?? null, bytes: frame.length, receipt }));
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
    const info = toClientInfo(record);
    this.#emit(() => ({ type: 'connected', client: info }));
    return connection;
  }

  /** One heartbeat round: terminate clients that missed the previous ping, ping the rest. */
  heartbeat(): void {
    for (const connection of this.#connections) {
      if (!connection.isAlive) {
        this.#totals.heartbeatTerminations++;
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
