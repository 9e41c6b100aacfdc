/**
 * MQTT filters of envelope devices (`{"topics": [...], "filters": ["sensors/+/temp"]}`): opt-in
 * wildcards for WebSocket devices, per connection (a topics frame replaces them; a reconnecting
 * device sends them again, as the SDK does). Matched by the same trie as the doors' filters;
 * tutorial devices never come here, so `+` and `#` in their topic lists stay literal.
 */
import type { Connection } from './connection';
import { FilterIndex } from './filter-index';

export class DeviceFilters {
  readonly #index = new FilterIndex<Connection>();
  readonly #of = new Map<Connection, readonly string[]>();

  /** Number of connections with filters. */
  get size(): number {
    return this.#of.size;
  }

  /** The filters of a connection (empty when none). */
  of(connection: Connection): readonly string[] {
    return this.#of.get(connection) ?? [];
  }

  /** Replaces the filters of a connection (none: forgets it). */
  set(connection: Connection, filters: readonly string[]): void {
    this.remove(connection);
    if (filters.length === 0) return;
    this.#of.set(connection, filters);
    for (const filter of filters) this.#index.add(filter, connection);
  }

  /** Forgets a connection's filters (it closed). */
  remove(connection: Connection): void {
    const filters = this.#of.get(connection);
    if (filters === undefined) return;
    for (const filter of filters) this.#index.remove(filter, connection);
    this.#of.delete(connection);
  }

  /**
   * Visits, once each, the live connections whose filters match `topic` and that did not get it
   * by an exact topic: only `userId`'s for a targeted publish, never `skip`.
   */
  match(topic: string, userId: number | undefined, skip: unknown, visit: (connection: Connection) => void): void {
    if (this.#of.size === 0) return;
    const seen = new Set<Connection>();
    this.#index.match(topic, (connection) => {
      if (seen.has(connection)) return;
      seen.add(connection);
      const { record } = connection;
      if (connection === skip || record.link !== connection) return;
      if (userId !== undefined && record.userId !== userId) return;
      if (record.topics.includes(topic)) return; // delivered by its exact topic already
      visit(connection);
    });
  }
}
