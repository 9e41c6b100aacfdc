import type { ClientInfo, TopicInfo, UserInfo } from '../../shared/hub';
import type { LogEntry, TopicStreamSummary } from '../../shared/ipc';
import { bodyText, matchesMessageFilter, type MessageFilter, type MessageRecord } from '../../shared/traffic';
import { visibleClientsSelector } from './clientOrder';
import { compareText } from '../format';
import type { MessageFilterInput, Store } from './types';

export { matchesClientFilter, visibleClients } from './clientOrder';

/**
 * Wraps a derivation so it recomputes only when one of its inputs changed identity: a zustand
 * selector must return the same reference for the same state, or React re-renders forever.
 */
function memo<Inputs extends unknown[], R>(
  inputs: (state: Store) => Inputs,
  derive: (...args: Inputs) => R,
  /** Only the first `compared` inputs decide (the rest are passed along, e.g. the state itself). */
  compared: number = Number.POSITIVE_INFINITY,
): (state: Store) => R {
  let last: { inputs: Inputs; value: R } | null = null;
  return (state) => {
    const next = inputs(state);
    const same = (value: unknown, i: number): boolean => i >= compared || Object.is(value, last?.inputs[i]);
    if (last !== null && next.every(same)) return last.value;
    const value = derive(...next);
    last = { inputs: next, value };
    return value;
  };
}

const tuple = <T extends unknown[]>(...values: T): T => values;

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
    : messages.filter((m) => matchesMessageFilter(filter, m.topic, m.userId, bodyText(m.body)));
  return matches.toReversed();
}

/** One user as the users view shows it. */
export interface UserRow {
  readonly userId: number;
  readonly clients: number;
  readonly connected: number;
  /** Union of its clients' topics, sorted. */
  readonly topics: readonly string[];
}

/** A user's row: its connected clients and topic union are counted when first read. */
class LazyUserRow implements UserRow {
  readonly #ids: readonly string[];
  readonly #clients: ReadonlyMap<string, ClientInfo>;
  #connected: number | null = null;
  #topics: string[] | null = null;

  constructor(user: UserInfo, clients: ReadonlyMap<string, ClientInfo>) {
    this.userId = user.userId;
    this.clients = user.clientIds.length;
    this.#ids = user.clientIds;
    this.#clients = clients;
  }

  readonly userId: number;
  readonly clients: number;

  get connected(): number {
    if (this.#connected === null) {
      let connected = 0;
      for (const id of this.#ids) if (this.#clients.get(id)?.connected === true) connected += 1;
      this.#connected = connected;
    }
    return this.#connected;
  }

  get topics(): readonly string[] {
    if (this.#topics === null) {
      const topics = new Set<string>();
      for (const id of this.#ids) for (const topic of this.#clients.get(id)?.topics ?? []) topics.add(topic);
      this.#topics = [...topics].sort((a, b) => compareText(a, b));
    }
    return this.#topics;
  }
}

/**
 * Users with their client counts and topic union, sorted by user id. A row counts its connected
 * clients and builds its topic union when first read, from the clients as they were when it was
 * made: opening the view on a hub with thousands of users reads the few dozen rows it shows (a
 * filter by topic reads them all).
 */
export function userRows(users: readonly UserInfo[], clients: ReadonlyMap<string, ClientInfo>): UserRow[] {
  return users.map((user): UserRow => new LazyUserRow(user, clients)).sort((a, b) => a.userId - b.userId);
}

/** One topic as the Topics view shows it: its subscribers (null: none now) and its stream (null: not loaded or never published). */
export interface TopicRow {
  topic: string;
  info: TopicInfo | null;
  stream: TopicStreamSummary | null;
}

/**
 * Topics with subscribers and topics with a history or a retained message, merged; most
 * subscribers first, then by name. `filter`: words in the topic's name.
 */
export function topicRows(
  topics: readonly TopicInfo[],
  streams: ReadonlyMap<string, TopicStreamSummary>,
  filter: string,
): TopicRow[] {
  const rows = new Map<string, TopicRow>();
  for (const info of topics) rows.set(info.topic, { topic: info.topic, info, stream: streams.get(info.topic) ?? null });
  for (const stream of streams.values()) {
    // A topic whose history was cleared and that nobody subscribes to has nothing left to show.
    if (!rows.has(stream.topic) && (stream.size > 0 || stream.retained !== null)) {
      rows.set(stream.topic, { topic: stream.topic, info: null, stream });
    }
  }
  const needle = filter.trim().toLowerCase();
  return [...rows.values()]
    .filter((row) => needle === '' || row.topic.toLowerCase().includes(needle))
    .sort((a, b) => (b.info?.subscribers ?? 0) - (a.info?.subscribers ?? 0) || compareText(a.topic, b.topic));
}

/** Selectors over the store. Derived arrays are memoised, so they are safe to pass to `useStore`. */
export const hubSelectors = {
  visibleClients: visibleClientsSelector(),
  /** Users matching the users filter: an exact user id, or words found in the user id or its topics. */
  userRows: memo(
    // Connection states and topics are structure: counter pushes do not recompute the users.
    (s: Store) => tuple(s.users, s.clientsShape, s.userFilter, s),
    (users, _shape, filter, s) => {
      const rows = userRows(users, s.clients);
      const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return rows;
      return rows.filter((row) =>
        words.every((word) => String(row.userId) === word || row.topics.some((t) => t.toLowerCase().includes(word))),
      );
    },
    3,
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
        .sort((a, b) => b.subscribers - a.subscribers || compareText(a.topic, b.topic));
    },
  ),
  /** Every topic the Topics view lists (subscribed, or with a history or retained message), filtered. */
  topicRows: memo((s: Store) => tuple(s.topics, s.streams, s.topicFilter), topicRows),
  /** How many topics the Topics view lists before filtering. */
  topicTotal: memo(
    (s: Store) => tuple(s.topics, s.streams),
    (topics, streams) => topicRows(topics, streams, '').length,
  ),
  topicNames: memo(
    (s: Store) => tuple(s.topics),
    (topics) => topics.map((t) => t.topic).sort((a, b) => compareText(a, b)),
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
