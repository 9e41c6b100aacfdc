/**
 * The relay's state and behaviour without the network: registrations, live connections,
 * publishing, heartbeats, statistics and events. `server.ts` feeds it sockets and requests.
 */
import type { WebSocket } from 'ws';
import { CloseCode, type PublishReceipt } from '../../../shared/api';
import type {
  ClientInfo,
  ClusterInfo,
  HubSnapshot,
  HubStats,
  RelayEvent,
  RelayEventType,
  TopicInfo,
  UnregisterReason,
  UserInfo,
} from '../../../shared/hub';
import type { DeliveryFormat } from '../../../shared/protocol';
import type { Directory } from './clients/cluster';
import type { Connection } from './clients/connection';
import { MemoryEngine } from './history/memory';
import type { Engine, Payload, Publication, Published } from './history/types';
import { replicaOf } from './clients/replica';
import { Delivery, FlushScheduler, rawFrameLength } from './clients/fanout';
import { KeyStore } from './access/keys';
import { Pairings } from './access/pairing';
import { RelayEvents, type RelayListener } from './events';
import {
  newCounters,
  type CounterVisitor,
  type HubCounters,
  type HubExtras,
  type PublishSource,
  type Totals,
} from './hub-types';
import { createLogger, type Logger } from './log';
import { historyLimitsOf, type RelayOptions } from './options';
import type { Identity, Registry } from './clients/registry';
import { Registrations } from './clients/registrations';
import type { RegistrationStore } from './storage/store';
import { Subscribers } from './clients/subscribers';
import { Presence } from './clients/presence';
import { DoorClients } from './door-clients';
import { overLimit } from './device-publish';
import { Devices } from './devices';
import { fanOut, publishedEvent, type Recipients } from './publishing';
import { DeviceFilters } from './clients/device-filters';
import { Wills } from './clients/wills';

export type { RelayListener } from './events';
export { historyLimitsOf } from './options';

export type { CounterVisitor, HubCounters, HubExtras, PublishSource } from './hub-types';

export class Hub {
  readonly startedAt = Date.now();
  readonly #store: RegistrationStore | null;
  /** Registrations: made, restored, named, expired, removed. */
  readonly registrations: Registrations;
  readonly #registry: Registry<Connection>;
  /** Counters for the metrics. */
  readonly counters: HubCounters = newCounters();
  /** The structured log. */
  readonly log: Logger;
  readonly #events = new RelayEvents();
  // The engine's group commit goes first: a device never has a message that is not yet on disk.
  readonly #scheduler = new FlushScheduler(() => this.engine.commit?.());
  readonly #totals: Totals = {
    published: 0,
    delivered: 0,
    droppedMessages: 0,
    slowConsumerCloses: 0,
    heartbeatTerminations: 0,
  };
  /** Where publications get their offsets, and where history and retained messages live. */
  engine: Engine;
  /** The device keys. */
  readonly keys: KeyStore;
  /** One-time pairing codes for the phone page (in memory). */
  readonly pairings = new Pairings();
  /** MQTT filters of envelope devices (opt-in wildcards). */
  readonly #deviceFilters = new DeviceFilters();
  /** The clients of the other doors (MQTT, HTTP streams): see `core/subscribers.ts`. */
  readonly doors = new Subscribers();
  /** Listeners that are no clients (the webhooks): every publication they match, never listed or counted. */
  readonly taps = new Subscribers();
  #publishHop = 0;
  readonly #recipients: Recipients;
  /** While the taps get a publication: how many webhooks deep it is (see `core/hops.ts`). */
  get publishHop(): number {
    return this.#publishHop;
  }
  /** Who is online on which topic, and the join/leave events (see `core/presence.ts`). */
  readonly presence: Presence;
  /** The doors' clients as the operator sees them (see `core/door-clients.ts`). */
  readonly doorClients: DoorClients;
  /** The device sockets (see `core/devices.ts`). */
  readonly devices: Devices;
  /** Every door's last wills, one implementation (see `core/clients/wills.ts`). */
  readonly wills = new Wills(this);

  constructor(
    readonly options: RelayOptions,
    extras: HubExtras = {},
  ) {
    this.#store = extras.store ?? null;
    this.engine = extras.engine ?? new MemoryEngine(historyLimitsOf(options));
    this.keys = extras.keys ?? new KeyStore(null);
    this.engine.bind(this.#deliver);
    this.log = extras.log ?? createLogger('silent');
    this.registrations = new Registrations({
      options,
      store: this.#store,
      keys: this.keys,
      log: this.log,
      startedAt: this.startedAt,
      emit: (build) => this.#emit(build),
      expired: this.counters.expired,
    });
    this.#registry = this.registrations.registry;
    this.#recipients = {
      registry: this.#registry,
      deviceFilters: this.#deviceFilters,
      doors: this.doors,
      taps: this.taps,
      setHop: (hop) => (this.#publishHop = hop),
    };
    this.presence = new Presence(
      this.#registry,
      this.doors,
      (id) => this.registrations.directory?.locationOf(id) ?? null,
    );
    this.doorClients = new DoorClients(this, {
      totals: this.#totals,
      registered: (id) => this.#registry.get(id) !== undefined,
      emit: (build) => this.#emit(build),
    });
    this.devices = new Devices(this, {
      registry: this.#registry,
      deviceFilters: this.#deviceFilters,
      scheduler: this.#scheduler,
      totals: this.#totals,
      firehose: () => this.#events.firehose,
      emit: (build) => this.#emit(build),
    });
    this.presence.follow(this.doors);
  }

  /** Switches to another engine, and cluster directory (between a stop and a start: no socket is open). */
  useEngine(engine: Engine, directory: Directory | null): void {
    this.engine = engine;
    this.registrations.directory = directory;
    engine.bind(this.#deliver);
  }

  /** In a cluster: the seam through which the other hubs change this one (see `core/cluster.ts`). */
  replica() {
    return replicaOf(this.#registry, this.#store, {
      add: (entry) => this.registrations.adopt(entry),
      emit: (build) => this.#emit(build),
      info: (record) => this.registrations.info(record),
      unregister: (id) => this.registrations.unregister(id, undefined, 'request', false),
      connections: () => this.devices.all,
      adoptKey: (key) => {
        if (this.registrations.adoptKey(key) === 'revoked') this.pairings.forgetKey(key.id);
      },
      keys: () => this.keys.records(),
      usable: ({ keyId }) => typeof keyId !== 'string' || this.keys.get(keyId) === undefined || this.keys.valid(keyId),
      presence: (record, before, after, socket) => {
        // A socket here announces itself; a topics change counts while the socket is on another hub.
        if (record.link !== null || (!socket && this.registrations.directory?.locationOf(record.id) == null)) return;
        this.devices.announceTopics(record, before, after);
      },
    });
  }

  /** In a cluster: resolves once what this hub changed is known to the others (at once for a single hub). */
  settled(): Promise<void> | null {
    return this.registrations.directory?.settled() ?? null;
  }

  /** The cluster as the operator sees it, or null for a single hub. */
  clusterInfo(): ClusterInfo | null {
    return this.registrations.directory?.info() ?? null;
  }

  /** In a cluster: tells the listeners (the GUI's log) that it joined, lost Redis or rejoined. */
  noteCluster(state: ClusterInfo['state'], text: string): void {
    this.#emit(() => ({ type: 'cluster', state, text }));
  }

  /** In a cluster: looks up a registration another hub made a moment ago; null for a single hub. */
  lookup(id: string): Promise<boolean> | null {
    return this.registrations.directory?.lookup(id) ?? null;
  }

  /** Loads the stored registrations (see `Registrations.restore`); returns how many. */
  restore(): number {
    return this.registrations.restore();
  }

  /** Subscribes to state changes (see `RelayEvents.on`); returns the unsubscribe function. */
  on(listener: RelayListener, types?: readonly RelayEventType[]): () => void {
    return this.#events.on(listener, types);
  }

  /** Creates a registration for a user (see `Registrations.register`). */
  register(userId: number, req?: string, identity?: Identity): ClientInfo {
    return this.registrations.register(userId, req, identity);
  }

  /** True when another registration would pass `maxRegistrations`. */
  get full(): boolean {
    return this.registrations.full;
  }

  /** True when `message` is over `maxMessageBytes` in UTF-8 (measured only when it could be). */
  messageTooLarge(message: Payload): boolean {
    return overLimit(message, this.options.maxMessageBytes);
  }

  /** True when the id is registered. */
  has(id: string): boolean {
    return this.#registry.get(id) !== undefined;
  }

  /**
   * Removes a registration and closes its live socket (see `Registrations.unregister`); `shared`
   * false: another hub of the cluster removed it.
   */
  unregister(id: string, req?: string, reason?: UnregisterReason, shared = true): boolean {
    const sub = this.doors.get(id);
    if (sub !== undefined) {
      // A door's client has no registration: the operator's unregister disconnects it.
      sub.close('unregistered');
      this.doorClients.detach(sub, 'unregistered', CloseCode.unregistered);
      return true;
    }
    return this.registrations.unregister(id, req, reason, shared);
  }

  /** Removes every registration of a user; returns how many were removed. */
  unregisterUser(userId: number): number {
    return this.registrations.unregisterUser(userId);
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
    const published = this.engine.publish(topic, message, userId, Date.now(), retain, source, source.qos);
    if (published instanceof Promise) return published.then((done) => this.#receipt(done, source));
    return this.#receipt(published, source);
  }

  /** The fan-out on this hub (the engine calls it; `source` undefined: published on another hub). */
  readonly #deliver = (publication: Publication, epoch: string, source: unknown): number => {
    const { topic, message, userId, ts, offset } = publication;
    const delivery = new Delivery(topic, message, userId, ts, offset, epoch);
    const from = source === undefined ? undefined : (source as PublishSource);
    delivery.qos = publication.qos;
    const { delivered, bytes: deliveredBytes } = fanOut(this.#recipients, delivery, userId, from);
    this.#registry.notePublished(topic);
    this.#totals.delivered += delivered;
    this.counters.deliveredBytes += deliveredBytes;
    const bytes = delivery.raw().length;
    if (from !== undefined) this.counters.publishedBytes += bytes;
    else if (this.#events.firehose) {
      // Another hub's publication, delivered here.
      this.#emit(() => publishedEvent(publication, { delivered, offset, epoch }, 'cluster', null, bytes));
    }
    return delivered;
  };

  #receipt({ publication, epoch, delivered, cluster }: Published, source: PublishSource): PublishReceipt {
    this.#totals.published++;
    const receipt: PublishReceipt = { delivered, offset: publication.offset, epoch };
    if (cluster !== undefined) receipt.cluster = cluster;
    if (this.#events.firehose) {
      const { origin, from, subscriber } = source;
      const clientId = from?.record.id ?? subscriber?.id ?? null;
      const bytes = rawFrameLength(publication.message);
      this.#emit(() => publishedEvent(publication, receipt, origin, clientId, bytes));
    }
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
    return this.devices.attach(id, ws, remoteAddress, format, waitForSubscribe);
  }

  /** One heartbeat round: terminate clients that missed the previous ping, ping the rest. */
  heartbeat(): void {
    this.devices.heartbeat();
  }

  /** Live connections (for shutdown). */
  connections(): ReadonlySet<Connection> {
    return this.devices.all;
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
      connected: this.devices.all.size + this.doorClients.connected,
      users: this.#registry.userCount,
      topics: this.#registry.topicCount,
      ...this.#totals,
    };
  }

  /** One registration as the operator sees it, or null when unknown. */
  client(id: string): ClientInfo | null {
    const record = this.#registry.get(id);
    if (record) return this.#info(record);
    return this.doors.get(id)?.info() ?? null;
  }

  /** One user with its registrations' ids, or null when it has none. */
  user(userId: number): UserInfo | null {
    const records = this.#registry.clientsOf(userId);
    return records.length === 0 ? null : { userId, clientIds: records.map((r) => r.id) };
  }

  /** Topics with subscriber and publish counts (a door's subscribers of an exact topic counted too). */
  topics(): TopicInfo[] {
    return this.doors.countInto(this.#registry.topics());
  }

  /** Visits every registration's counters, in registration order, without building objects; then the doors' clients. */
  visitCounters(visit: CounterVisitor): void {
    for (const record of this.#registry.all()) {
      visit(record.id, record.messagesSent, record.bytesSent, record.link?.bufferedBytes ?? 0, record.dropped);
    }
    for (const sub of this.doors.all()) {
      const { messagesSent, bytesSent, bufferedBytes, dropped } = sub.info();
      visit(sub.id, messagesSent, bytesSent, bufferedBytes, dropped);
    }
  }

  /** Everything the operator GUI shows. */
  snapshot(): HubSnapshot {
    return {
      startedAt: this.startedAt,
      clients: [
        ...Array.from(this.#registry.all(), (record) => this.#info(record)),
        ...Array.from(this.doors.all(), (sub) => sub.info()),
      ],
      users: this.#registry.users(),
      topics: this.topics(),
      stats: this.stats(),
    };
  }

  /** A registration as the operator sees it, with the MQTT filters of its connection when it has some. */
  #info(record: Parameters<Registrations['info']>[0]): ClientInfo {
    const info = this.registrations.info(record);
    const filters = record.link === null ? [] : this.#deviceFilters.of(record.link);
    if (filters.length > 0) info.filters = [...filters];
    return info;
  }

  #emit(build: () => RelayEvent): void {
    this.#events.emit(build);
  }
}
