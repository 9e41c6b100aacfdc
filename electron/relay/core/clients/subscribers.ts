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
import type { PresenceEvent } from '../../../../shared/presence';
import { hasWildcard } from '../../../../shared/topic-filter';
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
  /** Set when it asked for join/leave events of the other clients of its topics (see `core/presence.ts`). */
  onPresence?: (event: PresenceEvent) => void;
}

/**
 * Told when a subscriber starts (`joined`) or stops (`left`) listening to exact topics (a filter
 * without wildcards counts as its topic): the presence events of every door come from here.
 */
export type SubscriptionChange = (sub: Subscriber, joined: readonly string[], left: readonly string[]) => void;

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
  #onChange: SubscriptionChange | null = null;

  /** Sets the one listener of subscription changes (the hub's presence). */
  watch(onChange: SubscriptionChange): void {
    this.#onChange = onChange;
  }

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
    if (this.#onChange !== null) this.#onChange(sub, [], presenceTopics(subs.topics, subs.filters));
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
    const joined: string[] = [];
    for (const topic of topics) {
      if (subs.topics.has(topic)) continue;
      if (!subs.filters.has(topic)) joined.push(topic);
      subs.topics.add(topic);
      let set = this.#byTopic.get(topic);
      if (set === undefined) this.#byTopic.set(topic, (set = new Set()));
      set.add(sub);
    }
    for (const filter of filters) {
      if (subs.filters.has(filter)) continue;
      if (!hasWildcard(filter) && !subs.topics.has(filter)) joined.push(filter);
      subs.filters.add(filter);
      this.#filters.add(filter, sub);
    }
    if (joined.length > 0 && this.#onChange !== null) this.#onChange(sub, joined, []);
  }

  /** Removes exact topics and filters from what `sub` listens to. */
  unsubscribe(
    sub: Subscriber,
    { topics = [], filters = [] }: { topics?: readonly string[]; filters?: readonly string[] },
  ): void {
    const subs = this.#subs.get(sub);
    if (subs === undefined) return;
    const left: string[] = [];
    for (const topic of topics) {
      if (!subs.topics.delete(topic)) continue;
      this.#dropTopic(topic, sub);
      if (!subs.filters.has(topic)) left.push(topic);
    }
    for (const filter of filters) {
      if (!subs.filters.delete(filter)) continue;
      this.#filters.remove(filter, sub);
      if (!hasWildcard(filter) && !subs.topics.has(filter)) left.push(filter);
    }
    if (left.length > 0 && this.#onChange !== null) this.#onChange(sub, [], left);
  }

  /** Visits every subscriber listening to `topic` (by exact topic or by filter), once each. */
  forTopic(topic: string, visit: (sub: Subscriber) => void): void {
    const exact = this.#byTopic.get(topic);
    if (this.#filters.size === 0) {
      if (exact !== undefined) for (const sub of exact) visit(sub);
      return;
    }
    const seen = new Set<Subscriber>(exact);
    if (exact !== undefined) for (const sub of exact) visit(sub);
    this.#filters.match(topic, (sub) => {
      if (seen.has(sub)) return;
      seen.add(sub);
      visit(sub);
    });
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

/** The topics a subscriber is present on: its exact topics and its filters without wildcards. */
function presenceTopics(topics: ReadonlySet<string>, filters: ReadonlySet<string>): string[] {
  const all = new Set(topics);
  for (const filter of filters) if (!hasWildcard(filter)) all.add(filter);
  return [...all];
}
