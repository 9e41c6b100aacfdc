/**
 * Who is online, for every door at once: the live clients of a topic (tutorial devices with a
 * socket, and the doors' subscribers by exact topic or by filter), and the opt-in join/leave
 * events; in a cluster, devices whose sockets are on other hubs count too (HTTP streams are per hub).
 * Watchers (an envelope device with `"presence": true`, a door subscriber with
 * `onPresence`) are few: an event costs nothing while nobody watches.
 */
import type { ClientProtocol } from '../../../../shared/hub';
import {
  presenceJson,
  type LiveClient,
  type PresenceClient,
  type PresenceEvent,
  type PresenceResponse,
} from '../../../../shared/presence';
import { filterMatches } from '../../../../shared/topic-filter';
import type { Connection } from './connection';
import type { Registry } from './registry';
import type { Subscriber, Subscribers } from './subscribers';

/** The presence of a hub's clients. */
export class Presence {
  readonly #watchers = new Set<Connection | Subscriber>();

  constructor(
    private readonly registry: Registry<Connection>,
    private readonly doors: Subscribers,
    /** In a cluster: the other hub that holds a device's socket, or null. */
    private readonly elsewhere: (id: string) => string | null = () => null,
  ) {}

  /** Announces the joins and leaves of every door client of `doors` (their subscribes and ends). */
  follow(doors: Subscribers): void {
    doors.watch((sub, joined, left) => {
      const client = presenceClient(sub.id, sub.userId, sub.protocol);
      for (const topic of joined) this.announce(topic, 'join', client);
      for (const topic of left) this.announce(topic, 'leave', client);
    });
  }

  /** Starts (or stops, `on` false) sending join/leave events of its topics to `watcher`. */
  watch(watcher: Connection | Subscriber, on: boolean): void {
    if (on) this.#watchers.add(watcher);
    else this.#watchers.delete(watcher);
  }

  /** Tells the watchers of `topic` (never the client itself) that `client` joined or left it. */
  announce(topic: string, event: PresenceEvent['event'], client: PresenceClient): void {
    if (this.#watchers.size === 0) return;
    const presence: PresenceEvent = { topic, event, client };
    let json: string | null = null;
    for (const watcher of this.#watchers) {
      if ('record' in watcher) {
        if (watcher.record.id === client.id || !watcher.record.topics.includes(topic)) continue;
        watcher.answer((json ??= presenceJson(presence)));
      } else if (watcher.id !== client.id && watcher.onPresence !== undefined && this.#listens(watcher, topic)) {
        watcher.onPresence(presence);
      }
    }
  }

  /** Live clients of `topic` and their distinct users. */
  of(topic: string): PresenceResponse {
    let clients = 0;
    const users = new Set<number>();
    for (const record of this.registry.recipients(topic)) {
      if (record.link === null && this.elsewhere(record.id) === null) continue;
      clients++;
      users.add(record.userId);
    }
    this.doors.forTopic(topic, (sub) => {
      clients++;
      if (sub.userId !== null) users.add(sub.userId);
    });
    return { topic, clients, users: [...users].sort((a, b) => a - b) };
  }

  /** Every live connection on every door, optionally only those of `topic` and of `userId`. */
  live(topic: string | null, userId: number | null): LiveClient[] {
    const out: LiveClient[] = [];
    for (const record of this.registry.all()) {
      const link = record.link;
      const hub = link === null ? this.elsewhere(record.id) : null;
      if ((link === null && hub === null) || (userId !== null && record.userId !== userId)) continue;
      if (topic !== null && !record.topics.includes(topic)) continue;
      const client: LiveClient = {
        id: record.id,
        user_id: record.userId,
        protocol: 'ws',
        topics: [...record.topics],
        connected_at: link?.connectedAt ?? null,
        address: link?.remoteAddress ?? null,
      };
      // In a cluster: a device whose socket is on another hub.
      if (hub !== null) client.hub = hub;
      out.push(client);
    }
    for (const sub of this.doors.all()) {
      if (userId !== null && sub.userId !== userId) continue;
      if (topic !== null && !this.#listens(sub, topic)) continue;
      const info = sub.info();
      const { topics, filters } = this.doors.subscriptions(sub);
      const client: LiveClient = {
        id: sub.id,
        user_id: sub.userId,
        protocol: sub.protocol,
        topics,
        connected_at: info.connectedSince,
        address: info.remoteAddress,
      };
      if (filters.length > 0) client.filters = filters;
      out.push(client);
    }
    return out;
  }

  #listens(sub: Subscriber, topic: string): boolean {
    const { topics, filters } = this.doors.subscriptions(sub);
    return topics.includes(topic) || filters.some((filter) => filterMatches(filter, topic));
  }
}

/** A client as presence events name it. */
export function presenceClient(id: string, userId: number | null, protocol: ClientProtocol): PresenceClient {
  return { id, user_id: userId, protocol };
}
