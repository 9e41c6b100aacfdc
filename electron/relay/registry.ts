/**
 * Registrations and their indexes (topic → clients, user → clients). Pure data, no I/O:
 * a publish touches only the subscribers of its topic, or the clients of its user.
 */

/** Per-registration delivery counters. */
export interface ClientCounters {
  messagesSent: number;
  bytesSent: number;
  dropped: number;
}

/** One registration. `link` is the live connection, if any (opaque to the registry). */
export interface ClientRecord<L> {
  readonly id: string;
  readonly userId: number;
  readonly registeredAt: number;
  topics: ReadonlySet<string>;
  link: L | null;
  readonly counters: ClientCounters;
}

const noRecords: ReadonlySet<never> = new Set();

/** Registrations indexed by id, topic and user. */
export class Registry<L> {
  readonly #byId = new Map<string, ClientRecord<L>>();
  readonly #byTopic = new Map<string, Set<ClientRecord<L>>>();
  readonly #byUser = new Map<number, Set<ClientRecord<L>>>();
  readonly #publishedByTopic = new Map<string, number>();

  constructor(
    private readonly newId: () => string,
    private readonly defaultTopics: readonly string[] = ['cats'],
  ) {}

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

  /** Creates a registration for `userId`, subscribed to the default topics. */
  add(userId: number, now: number = Date.now()): ClientRecord<L> {
    let id = this.newId();
    while (this.#byId.has(id)) id = this.newId();
    const record: ClientRecord<L> = {
      id,
      userId,
      registeredAt: now,
      topics: new Set(this.defaultTopics),
      link: null,
      counters: { messagesSent: 0, bytesSent: 0, dropped: 0 },
    };
    this.#byId.set(id, record);
    addTo(this.#byUser, userId, record);
    for (const topic of record.topics) addTo(this.#byTopic, topic, record);
    return record;
  }

  /** The registration with this id, if any. */
  get(id: string): ClientRecord<L> | undefined {
    return this.#byId.get(id);
  }

  /** Removes a registration from every index; returns it, or undefined when unknown. */
  remove(id: string): ClientRecord<L> | undefined {
    const record = this.#byId.get(id);
    if (!record) return undefined;
    this.#byId.delete(id);
    removeFrom(this.#byUser, record.userId, record);
    for (const topic of record.topics) this.#unsubscribe(topic, record);
    return record;
  }

  /** Replaces a registration's topic set, updating the topic index by difference. */
  setTopics(record: ClientRecord<L>, topics: readonly string[]): void {
    const next = new Set(topics);
    for (const topic of record.topics) if (!next.has(topic)) this.#unsubscribe(topic, record);
    for (const topic of next) if (!record.topics.has(topic)) addTo(this.#byTopic, topic, record);
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
    const subscribers = this.#byTopic.get(topic);
    if (!subscribers) return noRecords;
    // Walk whichever side is smaller; both are sets, so membership is O(1).
    const [walk, other] = ofUser.size <= subscribers.size ? [ofUser, subscribers] : [subscribers, ofUser];
    return filterSet(walk, other);
  }

  /** Registrations of one user. */
  clientsOf(userId: number): ReadonlySet<ClientRecord<L>> {
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
    return [...this.#byUser].map(([userId, records]) => ({ userId, clientIds: [...records].map((r) => r.id) }));
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

function* filterSet<V>(walk: ReadonlySet<V>, other: ReadonlySet<V>): Generator<V> {
  for (const value of walk) if (other.has(value)) yield value;
}
