/**
 * The clients table's order: filter and sort, done incrementally. A push that adds or changes a
 * few clients among 10,000 merges them into the order it had (O(n) comparisons, no full sort);
 * counter pushes (which change the clients in place) keep the order unless it is by a counter.
 */
import type { ClientInfo } from '../../shared/hub';
import { compareText } from '../format';
import type { ClientSort, ConnectionFilter, Store } from './types';

/** True when a client matches the filter text: `user:7`, `topic:cats`, or words found in id, name, user, topics, address. */
export function matchesClientFilter(client: ClientInfo, filter: string): boolean {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((word) => {
    if (word.startsWith('user:')) return String(client.userId) === word.slice(5);
    if (word.startsWith('topic:')) return client.topics.some((topic) => topic.toLowerCase() === word.slice(6));
    return (
      client.id.includes(word) ||
      (client.name?.toLowerCase().includes(word) ?? false) ||
      String(client.userId).includes(word) ||
      (client.remoteAddress ?? '').includes(word) ||
      client.topics.some((topic) => topic.toLowerCase().includes(word))
    );
  });
}

function compareClients(a: ClientInfo, b: ClientInfo, key: ClientSort['key']): number {
  switch (key) {
    case 'id':
      // Named devices by name, then the nameless ones by id.
      return compareText(a.name ?? '\uffff', b.name ?? '\uffff') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    case 'userId':
      // Clients of no user (an anonymous MQTT client, a stream) after every user's.
      return (a.userId ?? Infinity) - (b.userId ?? Infinity) || 0;
    case 'topics':
      return a.topics.length - b.topics.length || compareText(a.topics.join(','), b.topics.join(','));
    case 'connected':
      // Never connected, then idle the longest, … then connected.
      return (
        Number(a.connected) - Number(b.connected) ||
        Number(a.everConnected) - Number(b.everConnected) ||
        (a.connected ? 0 : a.lastSeen - b.lastSeen)
      );
    case 'remoteAddress':
      return compareText(a.remoteAddress ?? '', b.remoteAddress ?? '');
    case 'connectedSince':
      return (a.connectedSince ?? 0) - (b.connectedSince ?? 0);
    case 'messagesSent':
      return a.messagesSent - b.messagesSent;
    case 'published':
      return a.published - b.published;
    case 'bufferedBytes':
      return a.bufferedBytes - b.bufferedBytes;
  }
}

/** The comparison of the clients table: the sort key, then registration order, then id (rows never jump). */
function comparator(sort: ClientSort): (a: ClientInfo, b: ClientInfo) => number {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return (a, b) =>
    sign * compareClients(a, b, sort.key) ||
    a.registeredAt - b.registeredAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** True when a client passes the connection filter and the filter text. */
function shown(client: ClientInfo, filter: string, connection: ConnectionFilter): boolean {
  if (connection === 'connected' && !client.connected) return false;
  if (connection === 'disconnected' && client.connected) return false;
  return filter === '' || matchesClientFilter(client, filter);
}

/** Filters and sorts clients; ties keep registration order, then id, so rows never jump. */
export function visibleClients(
  clients: ReadonlyMap<string, ClientInfo>,
  filter: string,
  connection: ConnectionFilter,
  sort: ClientSort,
): ClientInfo[] {
  const rows: ClientInfo[] = [];
  for (const client of clients.values()) if (shown(client, filter, connection)) rows.push(client);
  return rows.sort(comparator(sort));
}

/**
 * The order after `changed` ids came, went or changed: the others keep their places (their sort
 * keys did not move), the changed ones still shown are sorted and merged in.
 */
export function mergeOrder(
  previous: readonly ClientInfo[],
  changed: ReadonlySet<string>,
  clients: ReadonlyMap<string, ClientInfo>,
  filter: string,
  connection: ConnectionFilter,
  sort: ClientSort,
): ClientInfo[] {
  const compare = comparator(sort);
  const added: ClientInfo[] = [];
  for (const id of changed) {
    const client = clients.get(id);
    if (client !== undefined && shown(client, filter, connection)) added.push(client);
  }
  added.sort(compare);
  const merged: ClientInfo[] = [];
  let next = 0;
  for (const old of previous) {
    if (changed.has(old.id)) continue;
    // The row object of today (counters may have changed; its sort key did not).
    const current = clients.get(old.id) ?? old;
    while (next < added.length && compare(added[next] as ClientInfo, current) < 0)
      merged.push(added[next++] as ClientInfo);
    merged.push(current);
  }
  while (next < added.length) merged.push(added[next++] as ClientInfo);
  return merged;
}

const counterSortKeys: ReadonlySet<ClientSort['key']> = new Set(['messagesSent', 'bufferedBytes']);

/** The clients table's rows, memoised: safe to pass to `useStore`. */
export function visibleClientsSelector(): (state: Store) => ClientInfo[] {
  let last: {
    shape: number;
    clients: ReadonlyMap<string, ClientInfo>;
    counters: number;
    filter: string;
    connection: ConnectionFilter;
    sort: ClientSort;
    rows: ClientInfo[];
  } | null = null;
  return (s) => {
    const { clients, clientsShape: shape, clientFilter: filter, connectionFilter: connection, clientSort: sort } = s;
    const counters = s.countersVersion;
    const byCounter = counterSortKeys.has(sort.key);
    const sameView = last !== null && last.filter === filter && last.connection === connection && last.sort === sort;
    // Counters change in place: the rows are the same objects, in the same order unless sorted by one.
    if (sameView && last?.clients === clients && (!byCounter || last.counters === counters)) return last.rows;
    let rows: ClientInfo[];
    if (sameView && last !== null && last.clients === clients) {
      // Sorted by a counter that moved: the previous order is nearly right, and the sort is
      // adaptive (a few runs to merge), far from a sort of 10,000 rows from scratch.
      rows = [...last.rows].sort(comparator(sort));
    } else if (
      sameView &&
      last !== null &&
      !byCounter &&
      s.clientsDelta.from === last.shape &&
      s.clientsDelta.to === shape
    ) {
      rows = mergeOrder(last.rows, s.clientsDelta.changed, clients, filter, connection, sort);
    } else {
      rows = visibleClients(clients, filter, connection, sort);
    }
    last = { shape, clients, counters, filter, connection, sort, rows };
    return rows;
  };
}
