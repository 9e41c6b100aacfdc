import type { ClientInfo, UserInfo } from '../../shared/hub';
import type { LogEntry } from '../../shared/ipc';
import { matchesMessageFilter, type MessageFilter, type MessageRecord } from '../../shared/traffic';
import type { ClientSort, ConnectionFilter, MessageFilterInput, Store } from './types';

/**
 * Wraps a derivation so it recomputes only when one of its inputs changed identity: a zustand
 * selector must return the same reference for the same state, or React re-renders forever.
 */
function memo<Inputs extends unknown[], R>(
  inputs: (state: Store) => Inputs,
  derive: (...args: Inputs) => R,
): (state: Store) => R {
  let last: { inputs: Inputs; value: R } | null = null;
  return (state) => {
    const next = inputs(state);
    if (last !== null && next.every((value, i) => Object.is(value, last?.inputs[i]))) return last.value;
    const value = derive(...next);
    last = { inputs: next, value };
    return value;
  };
}

const tuple = <T extends unknown[]>(...values: T): T => values;

/** True when a client matches the filter text: `user:7`, `topic:cats`, or words found in id, user, topics, address. */
export function matchesClientFilter(client: ClientInfo, filter: string): boolean {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((word) => {
    if (word.startsWith('user:')) return String(client.userId) === word.slice(5);
    if (word.startsWith('topic:')) return client.topics.some((topic) => topic.toLowerCase() === word.slice(6));
    return (
      client.id.includes(word) ||
      String(client.userId).includes(word) ||
      (client.remoteAddress ?? '').includes(word) ||
      client.topics.some((topic) => topic.toLowerCase().includes(word))
    );
  });
}

function compareClients(a: ClientInfo, b: ClientInfo, key: ClientSort['key']): number {
  switch (key) {
    case 'id':
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    case 'userId':
      return a.userId - b.userId;
    case 'topics':
      return a.topics.length - b.topics.length || a.topics.join(',').localeCompare(b.topics.join(','));
    case 'connected':
      return Number(a.connected) - Number(b.connected);
    case 'remoteAddress':
      return (a.remoteAddress ?? '').localeCompare(b.remoteAddress ?? '');
    case 'connectedSince':
      return (a.connectedSince ?? 0) - (b.connectedSince ?? 0);
    case 'messagesSent':
      return a.messagesSent - b.messagesSent;
    case 'bufferedBytes':
      return a.bufferedBytes - b.bufferedBytes;
  }
}

/** Filters and sorts clients; ties keep registration order, then id, so rows never jump. */
export function visibleClients(
  clients: ReadonlyMap<string, ClientInfo>,
  filter: string,
  connection: ConnectionFilter,
  sort: ClientSort,
): ClientInfo[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const rows: ClientInfo[] = [];
  for (const client of clients.values()) {
    if (connection === 'connected' && !client.connected) continue;
    if (connection === 'disconnected' && client.connected) continue;
    if (filter !== '' && !matchesClientFilter(client, filter)) continue;
    rows.push(client);
  }
  return rows.sort(
    (a, b) =>
      sign * compareClients(a, b, sort.key) ||
      a.registeredAt - b.registeredAt ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Log lines whose text or kind contains the filter (case-insensitive), newest first. */
export function filterLog(log: readonly LogEntry[], filter: string): LogEntry[] {
  const needle = filter.trim().toLowerCase();
  const matches =
    needle === ''
      ? log
      : log.filter((entry) => entry.text.toLowerCase().includes(needle) || entry.kind.includes(needle));
  return matches.toReversed();
}

/** The inspector's filter as the hub takes it: empty fields left out, the user only when it is a number. */
export function messageFilterOf(input: MessageFilterInput): MessageFilter {
  const filter: MessageFilter = {};
  if (input.topic !== '') filter.topic = input.topic;
  const user = input.user.trim();
  if (/^\d{1,15}$/.test(user)) filter.userId = Number(user);
  if (input.text.trim() !== '') filter.text = input.text.trim();
  return filter;
}

/** Messages passing the filter, newest first (the hub applied it too: this re-checks older ones). */
export function filterMessages<T extends MessageRecord>(messages: readonly T[], input: MessageFilterInput): T[] {
  const filter = messageFilterOf(input);
  const empty = filter.topic === undefined && filter.userId === undefined && filter.text === undefined;
  const matches = empty
    ? messages
    : messages.filter((m) => matchesMessageFilter(filter, m.topic, m.userId, m.body.text));
  return matches.toReversed();
}

/** One user as the users view shows it. */
export interface UserRow {
  userId: number;
  clients: number;
  connected: number;
  /** Union of its clients' topics, sorted. */
  topics: string[];
}

/** Users with their client counts and topic union, sorted by user id. */
export function userRows(users: readonly UserInfo[], clients: ReadonlyMap<string, ClientInfo>): UserRow[] {
  return users
    .map((user) => {
      const topics = new Set<string>();
      let connected = 0;
      for (const id of user.clientIds) {
        const client = clients.get(id);
        if (client === undefined) continue;
        if (client.connected) connected += 1;
        for (const topic of client.topics) topics.add(topic);
      }
      return {
        userId: user.userId,
        clients: user.clientIds.length,
        connected,
        topics: [...topics].sort((a, b) => a.localeCompare(b)),
      };
    })
    .sort((a, b) => a.userId - b.userId);
}

/** Selectors over the store. Derived arrays are memoised, so they are safe to pass to `useStore`. */
export const hubSelectors = {
  visibleClients: memo(
    (s: Store) => tuple(s.clients, s.clientFilter, s.connectionFilter, s.clientSort),
    visibleClients,
  ),
  /** Users matching the users filter: an exact user id, or words found in the user id or its topics. */
  userRows: memo(
    (s: Store) => tuple(s.users, s.clients, s.userFilter),
    (users, clients, filter) => {
      const rows = userRows(users, clients);
      const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return rows;
      return rows.filter((row) =>
        words.every((word) => String(row.userId) === word || row.topics.some((t) => t.toLowerCase().includes(word))),
      );
    },
  ),
  visibleLog: memo((s: Store) => tuple(s.log, s.logFilter), filterLog),
  visibleMessages: memo((s: Store) => tuple(s.messages, s.messageFilter), filterMessages),
  /** Topics with the most subscribers first, then by name. */
  sortedTopics: memo(
    (s: Store) => tuple(s.topics, s.topicFilter),
    (topics, filter) => {
      const needle = filter.trim().toLowerCase();
      return topics
        .filter((t) => needle === '' || t.topic.toLowerCase().includes(needle))
        .sort((a, b) => b.subscribers - a.subscribers || a.topic.localeCompare(b.topic));
    },
  ),
  topicNames: memo(
    (s: Store) => tuple(s.topics),
    (topics) => topics.map((t) => t.topic).sort((a, b) => a.localeCompare(b)),
  ),
  /** Clients of one user, in the order the hub lists them (missing ids skipped). */
  clientsForUser:
    (userId: number) =>
    (s: Store): ClientInfo[] => {
      const user = s.users.find((u) => u.userId === userId);
      return (user?.clientIds ?? []).flatMap((id) => s.clients.get(id) ?? []);
    },
  /** The hub's first device-facing base URL, e.g. `http://192.168.1.5:8000`. */
  primaryUrl: (s: Store): string | null => s.status.listen?.urls[0] ?? null,
};
