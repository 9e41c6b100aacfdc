/**
 * Registrations and their indexes (topic → clients, user → clients). Pure data, no I/O:
 * a publish touches only the subscribers of its topic, or the clients of its user.
 */

/**
 * One registration. `link` is the live connection, if any (opaque to the registry).
 * Kept flat and small: a hub holds tens of thousands of these.
 */
export interface ClientRecord<L> {
  readonly id: string;
  readonly userId: number;
  readonly registeredAt: number;
  /** The topic set, as a frozen array (registrations on the default topics share one). */
  topics: readonly string[];
  link: L | null;
  messagesSent: number;
  bytesSent: number;
  dropped: number;
  /** Messages this device published over its socket. */
  published: number;
  /** Its name (`POST /register {"name"}`), unique within its key (or among keyless ones). */
  readonly name: string | null;
  /** The device key it registered with. */
  readonly keyId: string | null;
  /** Last connect or disconnect (or the registration). */
  lastSeen: number;
  /** A socket opened on it at least once. */
  everConnected: boolean;
}

/** Who a registration is, besides its user: a name (scoped to a key) and the key. */
export interface Identity {
  name?: string | null;
  keyId?: string | null;
}

/** The name index's key: names are unique per key (keyless registrations share one scope). */
const nameKey = (keyId: string | null, name: string): string => `${keyId ?? ''}\u0000${name}`;

const noRecords: readonly never[] = Object.freeze([]);

/** Registrations indexed by id, topic and user. */
export class Registry<L> {
  readonly #byId = new Map<string, ClientRecord<L>>();
  readonly #byTopic = new Map<string, Set<ClientRecord<L>>>();
  // Users have few clients each: arrays are smaller than sets and as fast at that size.
  readonly #byUser = new Map<number, ClientRecord<L>[]>();
  readonly #publishedByTopic = new Map<string, number>();
  readonly #byName = new Map<string, ClientRecord<L>>();

  readonly #defaultTopics: readonly string[];

  constructor(
    private readonly newId: () => string,
    defaultTopics: readonly string[] = ['cats'],
  ) {
    this.#defaultTopics = Object.freeze([...new Set(defaultTopics)]);
  }

  /** The topics a new registration starts with. */
  get defaultTopics(): readonly string[] {
    return this.#defaultTopics;
  }

  /** Number of registrations. */
  get size(): number {
    return this.#byId.size;
  }

  /** Number of distinct users with at least one registration. */
  get userCount(): number {
    return this.#byUser.size;
  }

  /** Number of topics with at least one subscriber. */
  get topicCount(): number {
    return this.#byTopic.size;
  }

  /** Creates a registration for `userId`, subscribed to `topics` (default: the default topics). */
  add(
    userId: number,
    now: number = Date.now(),
    { name = null, keyId = null }: Identity = {},
    topics: readonly string[] = this.#defaultTopics,
  ): ClientRecord<L> {
    let id = this.newId();
    while (this.#byId.has(id)) id = this.newId();
    const record: ClientRecord<L> = {
      id,
      userId,
      registeredAt: now,
      topics: topics === this.#defaultTopics ? topics : Object.freeze([...new Set(topics)]),
      link: null,
      messagesSent: 0,
      bytesSent: 0,
      dropped: 0,
      published: 0,
      name,
      keyId,
      lastSeen: now,
      everConnected: false,
    };
    this.#byId.set(id, record);
    if (name !== null) this.#byName.set(nameKey(keyId, name), record);
    const ofUser = this.#byUser.get(userId);
    if (ofUser) ofUser.push(record);
    else this.#byUser.set(userId, [record]);
    for (const topic of record.topics) addTo(this.#byTopic, topic, record);
    return record;
  }

  /** The registration with this id, if any. */
  get(id: string): ClientRecord<L> | undefined {
    return this.#byId.get(id);
  }

  /** The registration with this name within a key's (or the keyless) scope, if any. */
  named(keyId: string | null, name: string): ClientRecord<L> | undefined {
    return this.#byName.get(nameKey(keyId, name));
  }

  /** The registrations made with a key. */
  ofKey(keyId: string): ClientRecord<L>[] {
    const records: ClientRecord<L>[] = [];
    for (const record of this.#byId.values()) if (record.keyId === keyId) records.push(record);
    return records;
  }

  /** Removes a registration from every index; returns it, or undefined when unknown. */
  remove(id: string): ClientRecord<L> | undefined {
    const record = this.#byId.get(id);
    if (!record) return undefined;
    this.#byId.delete(id);
    if (record.name !== null) this.#byName.delete(nameKey(record.keyId, record.name));
    const ofUser = this.#byUser.get(record.userId) ?? [];
    ofUser.splice(ofUser.indexOf(record), 1);
    if (ofUser.length === 0) this.#byUser.delete(record.userId);
    for (const topic of record.topics) this.#unsubscribe(topic, record);
    return record;
  }

  /** Replaces a registration's topic set, updating the topic index by difference. */
  setTopics(record: ClientRecord<L>, topics: readonly string[]): void {
    const next = Object.freeze([...new Set(topics)]);
    for (const topic of record.topics) if (!next.includes(topic)) this.#unsubscribe(topic, record);
    for (const topic of next) if (!record.topics.includes(topic)) addTo(this.#byTopic, topic, record);
    record.topics = next;
  }

  /**
   * The registrations a publish goes to: subscribers of `topic`, or, with `userId`, that
   * user's registrations subscribed to `topic`. Cost follows the candidates, never all clients.
   */
  recipients(topic: string, userId?: number): Iterable<ClientRecord<L>> {
    if (userId === undefined) return this.#byTopic.get(topic) ?? noRecords;
    const ofUser = this.#byUser.get(userId);
    if (!ofUser) return noRecords;
    // A user's clients are few and topic sets are small: filtering them is cheaper than any index.
    return ofUser.length === 1 && ofUser[0]?.topics.includes(topic)
      ? ofUser
      : ofUser.filter((r) => r.topics.includes(topic));
  }

  /** Registrations of one user. */
  clientsOf(userId: number): readonly ClientRecord<L>[] {
    return this.#byUser.get(userId) ?? noRecords;
  }

  /** Counts a publish on a topic (kept only while the topic has subscribers). */
  notePublished(topic: string): void {
    if (this.#byTopic.has(topic)) this.#publishedByTopic.set(topic, (this.#publishedByTopic.get(topic) ?? 0) + 1);
  }

  /** Every registration, in registration order. */
  all(): IterableIterator<ClientRecord<L>> {
    return this.#byId.values();
  }

  /** Users with the ids of their registrations. */
  users(): { userId: number; clientIds: string[] }[] {
    return [...this.#byUser].map(([userId, records]) => ({ userId, clientIds: records.map((r) => r.id) }));
  }

  /** Topics with subscriber counts and publish counts. */
  topics(): { topic: string; subscribers: number; published: number }[] {
    return [...this.#byTopic].map(([topic, records]) => ({
      topic,
      subscribers: records.size,
      published: this.#publishedByTopic.get(topic) ?? 0,
    }));
  }

  #unsubscribe(topic: string, record: ClientRecord<L>): void {
    if (removeFrom(this.#byTopic, topic, record)) this.#publishedByTopic.delete(topic);
  }
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

/** Removes `value` from `index[key]`; returns true when that emptied (and dropped) the key. */
function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = index.get(key);
  if (!set) return false;
  set.delete(value);
  if (set.size > 0) return false;
  index.delete(key);
  return true;
}
