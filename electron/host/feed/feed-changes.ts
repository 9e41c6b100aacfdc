/**
 * What changed in the hub since the last update, gathered so that an update costs what changed,
 * not what the hub holds: clients and users by the ids their events name, topics by comparing
 * their (few) counts, client counters by one allocation-free scan at most once a second.
 */
import type { ClientInfo, RelayEvent, TopicInfo, UserInfo } from '../../../shared/hub';
import type { HubUpdate } from '../../../shared/ipc';
import type { ClientCounters } from '../../../shared/traffic';
import type { Relay } from '../../relay/index';

/** The parts of an update that describe clients, users and topics. */
export type ChangeSet = Pick<
  HubUpdate,
  'upserts' | 'removed' | 'counters' | 'users' | 'usersRemoved' | 'topics' | 'topicsRemoved'
>;

/** Tracks changes between updates. Changes are relative to what the last update sent (or init gave). */
export class ChangeTracker {
  readonly #relay: Relay;
  readonly #dirtyClients = new Set<string>();
  readonly #removedClients = new Set<string>();
  readonly #dirtyUsers = new Set<number>();
  #topicsMayChange = false;
  #countersMayChange = false;
  /** Counters and topic counts as last sent: the next update sends only what differs. */
  readonly #sentCounters = new Map<string, ClientCounters>();
  readonly #sentTopics = new Map<string, TopicInfo>();
  /** Counters scanned but not sent yet: a scan that names 10,000 clients goes out over several updates. */
  readonly #pendingCounters = new Map<string, ClientCounters>();
  readonly #countersPerUpdate: number;

  /** `countersPerUpdate`: most client counters one update carries (a GUI parses each update in one task). */
  constructor(relay: Relay, countersPerUpdate = 1000) {
    this.#relay = relay;
    this.#countersPerUpdate = countersPerUpdate;
  }

  /** True when clients, users or topics changed (counters aside). */
  get changed(): boolean {
    return this.#dirtyClients.size > 0 || this.#removedClients.size > 0 || this.#dirtyUsers.size > 0;
  }

  /** True when a publish or a drop may have moved counters since the last counters scan. */
  get countersMayChange(): boolean {
    return this.#countersMayChange;
  }

  /** True when scanned counters wait for the next update. */
  get countersPending(): boolean {
    return this.#pendingCounters.size > 0;
  }

  /** Notes what an event changed (cheap: a set insertion or a flag). */
  note(event: RelayEvent): void {
    switch (event.type) {
      case 'published':
        this.#topicsMayChange = true;
        this.#countersMayChange = true;
        // The publishing device's row shows its published count.
        if (event.clientId !== null) this.#dirtyClients.add(event.clientId);
        return;
      case 'slow-consumer':
        this.#dirtyClients.add(event.id);
        this.#countersMayChange = true;
        return;
      case 'registered':
        this.#dirtyClients.add(event.client.id);
        if (event.client.userId !== null) this.#dirtyUsers.add(event.client.userId);
        this.#topicsMayChange = true;
        return;
      case 'unregistered':
        this.#dirtyClients.delete(event.id);
        this.#removedClients.add(event.id);
        this.#dirtyUsers.add(event.userId);
        this.#topicsMayChange = true;
        return;
      case 'connected':
        this.#dirtyClients.add(event.client.id);
        return;
      case 'disconnected':
        this.#dirtyClients.add(event.id);
        return;
      case 'topics':
        this.#dirtyClients.add(event.id);
        this.#topicsMayChange = true;
        return;
      case 'cluster':
        // The cluster goes with every update of a hub in one.
        return;
    }
  }

  /** Builds the changes (counters only when `withCounters`) and starts gathering anew. */
  take(withCounters: boolean): ChangeSet {
    const changes: ChangeSet = {};
    this.#takeClients(changes);
    this.#takeUsers(changes);
    if (this.#topicsMayChange) this.#takeTopics(changes);
    if (withCounters && this.#countersMayChange) {
      for (const counters of this.#scanCounters()) this.#pendingCounters.set(counters[0], counters);
    }
    if (this.#pendingCounters.size > 0) changes.counters = this.#takeCounters();
    return changes;
  }

  /** Forgets pending changes (nobody to send them to; a GUI that comes later starts from init). */
  drop(): void {
    this.#dirtyClients.clear();
    this.#removedClients.clear();
    this.#dirtyUsers.clear();
    this.#pendingCounters.clear();
    this.#topicsMayChange = true; // the baseline is stale now: compare again next time
    this.#countersMayChange = true;
  }

  #takeClients(changes: ChangeSet): void {
    const upserts: ClientInfo[] = [];
    const removed = new Set(this.#removedClients);
    for (const id of this.#dirtyClients) {
      // The event says what happened, the relay says what is true now (a `disconnected` of a
      // replaced connection arrives while the id is connected again).
      const client = this.#relay.client(id);
      if (client === null) removed.add(id);
      else {
        upserts.push(client);
        this.#sentCounters.set(id, countersOf(client));
        this.#pendingCounters.delete(id); // the upsert carries fresher ones
      }
    }
    for (const id of removed) {
      this.#sentCounters.delete(id);
      this.#pendingCounters.delete(id);
    }
    if (upserts.length > 0) changes.upserts = upserts;
    if (removed.size > 0) changes.removed = [...removed];
    this.#dirtyClients.clear();
    this.#removedClients.clear();
  }

  #takeUsers(changes: ChangeSet): void {
    const users: UserInfo[] = [];
    const gone: number[] = [];
    for (const userId of this.#dirtyUsers) {
      const user = this.#relay.user(userId);
      if (user === null) gone.push(userId);
      else users.push(user);
    }
    if (users.length > 0) changes.users = users;
    if (gone.length > 0) changes.usersRemoved = gone;
    this.#dirtyUsers.clear();
  }

  #takeTopics(changes: ChangeSet): void {
    this.#topicsMayChange = false;
    const current = this.#relay.topics();
    const changed: TopicInfo[] = [];
    const present = new Set<string>();
    for (const topic of current) {
      present.add(topic.topic);
      const sent = this.#sentTopics.get(topic.topic);
      if (sent?.subscribers === topic.subscribers && sent.published === topic.published) continue;
      this.#sentTopics.set(topic.topic, topic);
      changed.push(topic);
    }
    const gone: string[] = [];
    for (const topic of this.#sentTopics.keys()) {
      if (present.has(topic)) continue;
      this.#sentTopics.delete(topic);
      gone.push(topic);
    }
    if (changed.length > 0) changes.topics = changed;
    if (gone.length > 0) changes.topicsRemoved = gone;
  }

  /** The oldest pending counters, at most `countersPerUpdate`. */
  #takeCounters(): ClientCounters[] {
    const chunk: ClientCounters[] = [];
    for (const [id, counters] of this.#pendingCounters) {
      if (chunk.length === this.#countersPerUpdate) break;
      chunk.push(counters);
      this.#pendingCounters.delete(id);
    }
    return chunk;
  }

  #scanCounters(): ClientCounters[] {
    this.#countersMayChange = false;
    const changed: ClientCounters[] = [];
    const sent = this.#sentCounters;
    this.#relay.visitCounters((id, messagesSent, bytesSent, bufferedBytes, dropped) => {
      const last = sent.get(id);
      if (last === undefined && messagesSent === 0 && bufferedBytes === 0 && dropped === 0) {
        // Never sent and nothing to tell: every GUI got these zeros from its init.
        sent.set(id, [id, 0, bytesSent, 0, 0]);
        return;
      }
      if (last?.[1] === messagesSent && last[2] === bytesSent && last[3] === bufferedBytes && last[4] === dropped) {
        return;
      }
      const counters: ClientCounters = [id, messagesSent, bytesSent, bufferedBytes, dropped];
      sent.set(id, counters);
      changed.push(counters);
    });
    // Something still buffered drains without an event: look again at the next scan.
    if (changed.some((c) => c[3] > 0)) this.#countersMayChange = true;
    return changed;
  }
}

function countersOf(client: ClientInfo): ClientCounters {
  return [client.id, client.messagesSent, client.bytesSent, client.bufferedBytes, client.dropped];
}
