/**
 * The MQTT door's session store, in the shape aedes asks of a persistence: the subscriptions and
 * queued QoS 1/2 messages of persistent sessions (clean session 0), bounded in count and bytes
 * (oldest dropped and counted), kept in `<data dir>/mqtt-sessions.json` (written atomically, a
 * moment after each change and on stop) so they outlive a restart. Retained messages are not
 * here: they are the hub's, one store for every protocol (the door sends them itself). Nor are
 * wills: the door takes each out of its CONNECT before aedes reads it, and the hub's core holds it
 * with every door's (`core/clients/wills.ts`), so aedes has none to store. In-flight inbound QoS 2
 * ids are kept in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeFileAtomic } from '../../core/storage/atomic-file';

/** A PUBLISH as aedes hands it around. */
export interface StoredPacket {
  cmd: 'publish';
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup?: boolean;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
}

/** What aedes passes for "a client" to its persistence. */
interface ClientRef {
  id: string;
}

/** One persistent session as stored. */
export interface StoredSession {
  /** Subscriptions: filter → granted QoS. */
  subs: Map<string, 0 | 1 | 2>;
  /** QoS 1/2 messages not yet acknowledged, oldest first. */
  queue: StoredPacket[];
  queueBytes: number;
  userId: number | null;
  keyId: string | null;
}

/** Bounds of one session's queue. */
export interface QueueLimits {
  maxMessages: number;
  maxBytes: number;
}

export const sessionsFile = 'mqtt-sessions.json';
const writeDelayMs = 50;

/** The session store aedes uses (its `persistence` option), and the door reads. */
export class SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #incoming = new Map<string, Map<number, StoredPacket>>();
  readonly #path: string | null;
  #timer: NodeJS.Timeout | null = null;
  #restored = 0;

  constructor(
    dataDir: string | null,
    readonly limits: QueueLimits,
    /** Called once per message a full queue drops. */
    private readonly onDrop: () => void,
    warn: (message: string) => void,
  ) {
    this.#path = dataDir === null ? null : join(dataDir, sessionsFile);
    if (this.#path !== null && existsSync(this.#path)) {
      try {
        this.#load(JSON.parse(readFileSync(this.#path, 'utf8')) as unknown);
      } catch (error) {
        // Sessions are a convenience, not permissions: a damaged file starts empty, said once.
        warn(`the MQTT sessions in ${this.#path} cannot be read (${String(error)}); starting without them`);
      }
    }
  }

  /** Every stored session by client id. */
  sessions(): ReadonlyMap<string, StoredSession> {
    return this.#sessions;
  }

  /** The session of `clientId`, created when asked. */
  session(clientId: string, create: true): StoredSession;
  session(clientId: string, create?: false): StoredSession | undefined;
  session(clientId: string, create = false): StoredSession | undefined {
    let session = this.#sessions.get(clientId);
    if (session === undefined && create) {
      session = { subs: new Map(), queue: [], queueBytes: 0, userId: null, keyId: null };
      this.#sessions.set(clientId, session);
      this.#changed();
    }
    return session;
  }

  /** Forgets a session (a clean connect, the operator's unregister). */
  forget(clientId: string): void {
    if (this.#sessions.delete(clientId)) this.#changed();
    this.#incoming.delete(clientId);
  }

  /** Notes who the session belongs to. */
  own(clientId: string, userId: number | null, keyId: string | null): void {
    const session = this.session(clientId, true);
    if (session.userId === userId && session.keyId === keyId) return;
    session.userId = userId;
    session.keyId = keyId;
    this.#changed();
  }

  /** Queues a QoS 1/2 message for a session (dropping its oldest past the bounds). */
  enqueue(clientId: string, packet: StoredPacket): void {
    const session = this.#sessions.get(clientId);
    if (session === undefined) return;
    session.queue.push(packet);
    session.queueBytes += packet.payload.length + packet.topic.length;
    const { maxMessages, maxBytes } = this.limits;
    while (session.queue.length > maxMessages || (session.queueBytes > maxBytes && session.queue.length > 1)) {
      const dropped = session.queue.shift();
      if (dropped !== undefined) session.queueBytes -= dropped.payload.length + dropped.topic.length;
      this.onDrop();
    }
    this.#changed();
  }

  /** Writes what changed now (on stop). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#path === null) return;
    const sessions = Array.from(this.#sessions, ([clientId, s]) => ({
      clientId,
      userId: s.userId,
      keyId: s.keyId,
      subs: Object.fromEntries(s.subs),
      queue: s.queue.map((p) => ({ topic: p.topic, payload: p.payload.toString('base64'), qos: p.qos })),
    }));
    writeFileAtomic(this.#path, JSON.stringify({ version: 1, sessions }));
  }

  #changed(): void {
    if (this.#path === null || this.#timer !== null) return;
    this.#timer = setTimeout(() => this.flush(), writeDelayMs);
    this.#timer.unref();
  }

  #load(value: unknown): void {
    const file = value as { version?: unknown; sessions?: unknown };
    if (file.version !== 1 || !Array.isArray(file.sessions)) throw new Error('not an MQTT sessions file');
    for (const raw of file.sessions as Record<string, unknown>[]) {
      if (typeof raw.clientId !== 'string' || typeof raw.subs !== 'object' || raw.subs === null) continue;
      const subs = new Map<string, 0 | 1 | 2>();
      for (const [topic, qos] of Object.entries(raw.subs as Record<string, unknown>)) {
        if (qos === 0 || qos === 1 || qos === 2) subs.set(topic, qos);
      }
      const queue: StoredPacket[] = [];
      let queueBytes = 0;
      for (const item of Array.isArray(raw.queue) ? (raw.queue as Record<string, unknown>[]) : []) {
        if (typeof item.topic !== 'string' || typeof item.payload !== 'string') continue;
        const payload = Buffer.from(item.payload, 'base64');
        // An id of its own, so that sending it (aedes' outgoingUpdate) finds it in the queue.
        const brokerCounter = ++this.#restored;
        const qos = item.qos === 2 ? 2 : 1;
        queue.push({
          cmd: 'publish',
          topic: item.topic,
          payload,
          qos,
          retain: false,
          brokerId: 'restored',
          brokerCounter,
        });
        queueBytes += payload.length + item.topic.length;
      }
      const userId = typeof raw.userId === 'number' ? raw.userId : null;
      const keyId = typeof raw.keyId === 'string' ? raw.keyId : null;
      this.#sessions.set(raw.clientId, { subs, queue, queueBytes, userId, keyId });
    }
  }

  // ---- aedes' persistence interface (promises; `setup` must be an async function) ----
  /* eslint-disable @typescript-eslint/require-await -- aedes' interface is async; this store answers at once */

  async setup(): Promise<void> {}

  /** Retained messages are the hub's: nothing to store here. */
  async storeRetained(): Promise<void> {}

  /** The door sends retained messages itself (the hub's store, filtered by user): none from here. */
  createRetainedStreamCombi(): Readable {
    return Readable.from([]);
  }

  createRetainedStream(): Readable {
    return Readable.from([]);
  }

  async addSubscriptions(client: ClientRef, subs: { topic: string; qos: number }[]): Promise<void> {
    const session = this.session(client.id, true);
    for (const { topic, qos } of subs) {
      // A refused filter comes back with 128: never stored.
      if (qos === 0 || qos === 1 || qos === 2) session.subs.set(topic, qos);
    }
    this.#changed();
  }

  async removeSubscriptions(client: ClientRef, topics: string[]): Promise<void> {
    const session = this.#sessions.get(client.id);
    if (session === undefined) return;
    for (const topic of topics) session.subs.delete(topic);
    this.#changed();
  }

  async subscriptionsByClient(client: ClientRef): Promise<{ topic: string; qos: number }[]> {
    const session = this.#sessions.get(client.id);
    return session === undefined ? [] : Array.from(session.subs, ([topic, qos]) => ({ topic, qos }));
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    let subsCount = 0;
    for (const session of this.#sessions.values()) subsCount += session.subs.size;
    return { subsCount, clientsCount: this.#sessions.size };
  }

  /** aedes' own offline fan-out is not used (the hub's is): nobody to list. */
  async subscriptionsByTopic(): Promise<never[]> {
    return [];
  }

  async cleanSubscriptions(client: ClientRef): Promise<void> {
    this.forget(client.id);
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void> {
    this.enqueue(sub.clientId, { ...packet });
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: StoredPacket): Promise<void> {
    for (const sub of subs) this.enqueue(sub.clientId, { ...packet });
  }

  /** A queued packet got its message id (being sent); one not queued yet is tracked from now on. */
  async outgoingUpdate(client: ClientRef, packet: StoredPacket): Promise<void> {
    const session = this.#sessions.get(client.id);
    if (session === undefined) return;
    const { queue } = session;
    for (let i = 0; i < queue.length; i++) {
      const item = queue[i];
      if (item === undefined) continue;
      const same =
        item.brokerId !== undefined && item.brokerId === packet.brokerId && item.brokerCounter === packet.brokerCounter;
      if (same || (item.messageId !== undefined && item.messageId === packet.messageId)) {
        queue[i] = { ...packet };
        this.#changed();
        return;
      }
    }
    this.enqueue(client.id, { ...packet });
  }

  /** Acknowledged (PUBACK, PUBCOMP): out of the queue. */
  async outgoingClearMessageId(client: ClientRef, packet: { messageId?: number }): Promise<StoredPacket | undefined> {
    const session = this.#sessions.get(client.id);
    if (session === undefined) return undefined;
    const index = session.queue.findIndex((item) => item.messageId === packet.messageId);
    if (index === -1) return undefined;
    const [removed] = session.queue.splice(index, 1);
    if (removed !== undefined) session.queueBytes -= removed.payload.length + removed.topic.length;
    this.#changed();
    return removed;
  }

  outgoingStream(client: ClientRef): Readable {
    return Readable.from([...(this.#sessions.get(client.id)?.queue ?? [])]);
  }

  async incomingStorePacket(client: ClientRef, packet: StoredPacket): Promise<void> {
    let store = this.#incoming.get(client.id);
    if (store === undefined) this.#incoming.set(client.id, (store = new Map<number, StoredPacket>()));
    if (packet.messageId !== undefined) store.set(packet.messageId, { ...packet });
  }

  async incomingGetPacket(client: ClientRef, packet: { messageId?: number }): Promise<StoredPacket> {
    const found = packet.messageId === undefined ? undefined : this.#incoming.get(client.id)?.get(packet.messageId);
    if (found === undefined) throw new Error('no such packet');
    return found;
  }

  async incomingDelPacket(client: ClientRef, packet: { messageId?: number }): Promise<void> {
    const store = this.#incoming.get(client.id);
    if (packet.messageId === undefined || store?.delete(packet.messageId) !== true) throw new Error('no such packet');
  }

  async cleanIncoming(client: ClientRef): Promise<void> {
    this.#incoming.delete(client.id);
  }

  // Wills are the core's (see the top): aedes asks, with none to give, and none is kept.
  async putWill(): Promise<void> {}

  async getWill(): Promise<StoredPacket | undefined> {
    return undefined;
  }

  async delWill(): Promise<StoredPacket | undefined> {
    return undefined;
  }

  /** None is left for another broker to send. */
  streamWill(): Readable {
    return Readable.from([]);
  }

  getClientList(): Readable {
    return Readable.from([]);
  }

  async destroy(): Promise<void> {
    this.flush();
  }
  /* eslint-enable @typescript-eslint/require-await */
}
