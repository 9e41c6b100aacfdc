/**
 * A hub's `Replica` (see `cluster.ts`): how the cluster applies here what another hub did to a
 * registration, a socket or a device key, with the same effects as when it happens here (the store,
 * the log, the GUI's events, a socket closed with 4000, 4001 or 4003), without telling them back.
 */
import { CloseCode } from '../../../../shared/api';
import type { ClientInfo, RelayEvent } from '../../../../shared/hub';
import { extraFieldsOf, sharedOf, type RemoteClose, type Replica, type SharedRegistration } from './cluster';
import type { Connection } from './connection';
import type { StoredKey } from '../access/keys';
import type { ClientRecord, Registry } from './registry';
import type { RegistrationStore } from '../storage/store';

type Record = ClientRecord<Connection>;

/** What the replica needs of the hub's internals. */
export interface ReplicaAccess {
  /** Adds a registration another hub made (its id, time, name and key). */
  add(entry: SharedRegistration): Record;
  emit(build: () => RelayEvent): void;
  info(record: Record): ClientInfo;
  /** Removes a registration as `DELETE /register/<id>` does, without telling the other hubs. */
  unregister(id: string): void;
  /** The hub's live connections. */
  connections(): Iterable<Connection>;
  /** Keeps a device key another hub created or revoked (see `Registrations.adoptKey`). */
  adoptKey(key: StoredKey): void;
  /** Every device key the hub knows. */
  keys(): Iterable<StoredKey>;
  /** False for a registration made with a key this hub knows was revoked or has expired (it would answer 404). */
  usable(entry: SharedRegistration): boolean;
  /**
   * Presence: a device with its socket on another hub went from topics `before` to `after` (a
   * topics change there: `socket` false; its socket opened or closed there: `socket` true).
   */
  presence(record: Record, before: readonly string[], after: readonly string[], socket: boolean): void;
}

/** The replica of `hub`. */
export function replicaOf(
  registry: Registry<Connection>,
  store: RegistrationStore | null,
  access: ReplicaAccess,
): Replica {
  return {
    adopt(entry: SharedRegistration) {
      let record = registry.get(entry.id);
      const known = record !== undefined;
      // Made on a hub that had not heard of its key's revocation yet: that hub removes it when it does.
      if (!known && !access.usable(entry)) return;
      // Not written to this hub's store: Redis keeps it, and the hub that made it keeps it on disk
      // (each hub writes back its own when Redis lost its data). Its changes here (topics, seen)
      // reach this hub's store only for the registrations made here.
      record ??= access.add(entry);
      // Fields a newer hub added travel as they are.
      Object.assign(record, extraFieldsOf(entry));
      if (record.topics.join('\n') !== entry.topics.join('\n')) {
        const before = record.topics;
        registry.setTopics(record, entry.topics);
        if (known) access.presence(record, before, record.topics, false);
        if (known) store?.topicsChanged(record.id, record.topics);
        const { id, userId, topics } = record;
        if (known) access.emit(() => ({ type: 'topics', id, userId, topics: [...topics] }));
      }
      if (!known) {
        const info = access.info(record);
        access.emit(() => ({ type: 'registered', client: info }));
      }
    },
    drop(id) {
      access.unregister(id);
    },
    replace(id) {
      registry.get(id)?.link?.close(CloseCode.replaced, 'replaced');
    },
    located(id: string, hub: string, remoteAddress: string | null, close: RemoteClose | null) {
      const record = registry.get(id);
      if (record === undefined) return;
      // Seen now (expiry counts from here, on every hub), connected once at least.
      record.lastSeen = Date.now();
      if (close === null) record.everConnected = true;
      store?.seen(id, record.lastSeen, close === null);
      const { userId } = record;
      access.presence(record, close === null ? [] : record.topics, close === null ? record.topics : [], true);
      if (close === null) {
        const client = { ...access.info(record), remoteAddress };
        access.emit(() => ({ type: 'connected', client, hub }));
      } else {
        const reason = close.reason as Extract<RelayEvent, { type: 'disconnected' }>['reason'];
        access.emit(() => ({ type: 'disconnected', id, userId, reason, code: close.code, hub }));
      }
    },
    adoptKey: (key) => access.adoptKey(key),
    keys: () => access.keys(),
    *entries() {
      for (const record of registry.all()) yield sharedOf(record);
    },
    *sockets() {
      for (const connection of access.connections()) yield [connection.record.id, connection.remoteAddress];
    },
  };
}
