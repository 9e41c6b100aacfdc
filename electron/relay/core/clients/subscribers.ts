/**
 * The one subscriber interface of the core, for every door that is not a tutorial device
 * registration: an MQTT session, an SSE or NDJSON stream, a webhook. The core delivers to it
 * exactly as it delivers to a device: by exact topic (a map lookup) or by MQTT filter (the
 * `FilterIndex` trie), only a targeted publish's own user's subscribers, each at most once.
 * A door translates its protocol to these calls and back; fan-out, history, retained messages
 * and access stay in the core.
 */
import type { DisconnectReason } from '../../../../shared/api';
import type { ClientInfo, ClientProtocol, TopicInfo } from '../../../../shared/hub';
import type { Delivery } from './fanout';
import { FilterIndex } from './filter-index';

/** One live subscriber of a door. */
export interface Subscriber {
  /** Unique among the hub's clients (a door prefixes its own ids: `mqtt:<client id>`, `sse:<n>`). */
  readonly id: string;
  readonly protocol: ClientProtocol;
  /** The user whose targeted publishes it gets too; null: only publishes aimed at no user. */
  readonly userId: number | null;
  /**
   * Queues one message (in the door's own format). Returns false when it was not taken (a slow
   * consumer's drop, a closed stream); the door applies the slow-consumer policy itself.
   */
  deliver(delivery: Delivery): boolean;
  /** The client as the operator sees it (`protocol`, `filters`). */
  info(): ClientInfo;
  /** Ends it from the hub's side (the operator's unregister, a revoked key). */
  close(reason: DisconnectReason): void;
}

interface Subscriptions {
  readonly topics: Set<string>;
  readonly filters: Set<string>;
}

/** The door subscribers of a hub and what each listens to. */
export class Subscribers {
  readonly #subs = new Map<Subscriber, Subscriptions>();
  readonly #byId = new Map<string, Subscriber>();
  readonly #byTopic = new Map<string, Set<Subscriber>>();
  readonly #filters = new FilterIndex<Subscriber>();

  /** Number of live subscribers. */
  get size(): number {
    return this.#subs.size;
  }

  /** Adds a subscriber with no subscription yet; false when its id is taken. */
  add(sub: Subscriber): boolean {
    if (this.#byId.has(sub.id)) return false;
    this.#byId.set(sub.id, sub);
    this.#subs.set(sub, { topics: new Set(), filters: new Set() });
    return true;
  }

  /** Removes a subscriber and all it listens to; false when it was not there. */
  remove(sub: Subscriber): boolean {
    const subs = this.#subs.get(sub);
    if (subs === undefined) return false;
    for (const topic of subs.topics) this.#dropTopic(topic, sub);
    for (const filter of subs.filters) this.#filters.remove(filter, sub);
    this.#subs.delete(sub);
    this.#byId.delete(sub.id);
    return true;
  }

  /** The subscriber with this id, if any. */
  get(id: string): Subscriber | undefined {
    return this.#byId.get(id);
  }

  /** Every live subscriber. */
  all(): IterableIterator<Subscriber> {
    return this.#byId.values();
  }

  /**
   * Adds exact topics (literal: `+` and `#` are characters) and MQTT filters (validated by the
   * door, see `filterProblem`) to what `sub` listens to.
   */
  subscribe(
    sub: Subscriber,
    { topics = [], filters = [] }: { topics?: readonly string[]; filters?: readonly string[] },
  ): void {
    const subs = this.#subs.get(sub);
    if (subs === undefined) return;
    for (const topic of topics) {
      if (subs.topics.has(topic)) continue;
      subs.topics.add(topic);
      let set = this.#byTopic.get(topic);
      if (set === undefined) this.#byTopic.set(topic, (set = new Set()));
      set.add(sub);
    }
    for (const filter of filters) {
      if (subs.filters.has(filter)) continue;
      subs.filters.add(filter);
      this.#filters.add(filter, sub);
    }
  }

  /** Removes exact topics and filters from what `sub` listens to. */
  unsubscribe(
    sub: Subscriber,
    { topics = [], filters = [] }: { topics?: readonly string[]; filters?: readonly string[] },
  ): void {
    const subs = this.#subs.get(sub);
    if (subs === undefined) return;
    for (const topic of topics) if (subs.topics.delete(topic)) this.#dropTopic(topic, sub);
    for (const filter of filters) if (subs.filters.delete(filter)) this.#filters.remove(filter, sub);
  }

  /** The exact topics and the filters `sub` listens to. */
  subscriptions(sub: Subscriber): { topics: string[]; filters: string[] } {
    const subs = this.#subs.get(sub);
    return { topics: subs ? [...subs.topics] : [], filters: subs ? [...subs.filters] : [] };
  }

  /** Number of subscribers of each exact topic (for the operator's topic list). */
  topicCounts(): Map<string, number> {
    return new Map(Array.from(this.#byTopic, ([topic, set]) => [topic, set.size]));
  }

  /** Adds these subscribers to the registrations' topic list (topics only they listen to appended). */
  countInto(topics: TopicInfo[]): TopicInfo[] {
    if (this.#byTopic.size === 0) return topics;
    const counts = this.topicCounts();
    for (const info of topics) {
      const more = counts.get(info.topic);
      if (more === undefined) continue;
      info.subscribers += more;
      counts.delete(info.topic);
    }
    for (const [topic, subscribers] of counts) topics.push({ topic, subscribers, published: 0 });
    return topics;
  }

  /**
   * Delivers `delivery` to every subscriber of its topic (by topic or filter), once each, only
   * `userId`'s when the publish is targeted, never to `skip`. Returns how many took it.
   */
  deliver(delivery: Delivery, userId: number | undefined, skip: Subscriber | undefined): number {
    if (this.#subs.size === 0) return 0;
    let delivered = 0;
    const exact = this.#byTopic.get(delivery.topic);
    const visit = (sub: Subscriber): void => {
      if (sub === skip || (userId !== undefined && sub.userId !== userId)) return;
      if (sub.deliver(delivery)) delivered++;
    };
    if (this.#filters.size === 0) {
      if (exact !== undefined) for (const sub of exact) visit(sub);
      return delivered;
    }
    // A subscriber matched by its exact topic and by filters (or by two filters) gets it once.
    const seen = new Set<Subscriber>(exact);
    if (exact !== undefined) for (const sub of exact) visit(sub);
    this.#filters.match(delivery.topic, (sub) => {
      if (seen.has(sub)) return;
      seen.add(sub);
      visit(sub);
    });
    return delivered;
  }

  #dropTopic(topic: string, sub: Subscriber): void {
    const set = this.#byTopic.get(topic);
    if (set === undefined) return;
    set.delete(sub);
    if (set.size === 0) this.#byTopic.delete(topic);
  }
}
