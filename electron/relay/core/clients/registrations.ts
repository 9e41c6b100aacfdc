/**
 * The registrations' lifecycle: made (with an optional name and device key), restored after a
 * restart, found again by name, expired (never connected, idle, or their key revoked or expired),
 * and removed — in memory (the registry), on disk (the store) and, in a cluster, to the other hubs
 * (the directory) together. The hub owns one and tells it about connects, disconnects and topic
 * changes.
 */
import { randomUUID } from 'node:crypto';
import { CloseCode } from '../../../../shared/api';
import type { ClientInfo, RelayEvent, UnregisterReason } from '../../../../shared/hub';
import type { DeviceKeyInfo } from '../../../../shared/keys';
import { sharedOf, type Directory, type RemoteClose, type SharedRegistration } from './cluster';
import type { Connection } from './connection';
import { expiredRegistrations } from '../access/expiry';
import { type KeyAdoption, type KeyStore, type StoredKey, topicAllowed } from '../access/keys';
import type { Logger } from '../log';
import type { RelayOptions } from '../options';
import { Registry, type ClientRecord, type Identity } from './registry';
import type { RegistrationStore } from '../storage/store';

export type Record = ClientRecord<Connection>;

/** What the registrations need from their hub. */
export interface RegistrationsContext {
  options: RelayOptions;
  store: RegistrationStore | null;
  keys: KeyStore;
  log: Logger;
  startedAt: number;
  /** Emits a relay event (built only when someone listens). */
  emit(build: () => RelayEvent): void;
  /** Registrations removed by expiry or with their key, by reason (a metric). */
  expired: Map<Exclude<UnregisterReason, 'request'>, number>;
}

export class Registrations {
  // While restoring, the registry takes the stored id instead of a new one.
  #restoringId: string | null = null;
  readonly registry = new Registry<Connection>(() => this.#restoringId ?? randomUUID().replaceAll('-', ''));
  /** In a cluster: where registrations and sockets are shared with the other hubs (null: a hub alone). */
  directory: Directory | null = null;

  constructor(private readonly ctx: RegistrationsContext) {}

  /**
   * Loads every stored registration (same ids, users, names, topics and times); returns how many.
   * Those made with a key that no longer works (revoked while the hub was down, or expired) are
   * removed instead: a revoked key's registrations answer 404, also after a restart.
   */
  restore(): number {
    const { store, keys, log } = this.ctx;
    if (!store) return 0;
    const orphans: string[] = [];
    for (const stored of store.all()) {
      if (stored.keyId !== null && !keys.valid(stored.keyId)) {
        orphans.push(stored.id);
        continue;
      }
      const record = this.#addAs(stored.id, () => this.registry.add(stored.userId, stored.registeredAt, stored));
      if (record.topics.join('\n') !== stored.topics.join('\n')) this.registry.setTopics(record, stored.topics);
      record.lastSeen = stored.lastSeen;
      record.everConnected = stored.everConnected;
    }
    for (const id of orphans) store.removed(id);
    if (orphans.length > 0) log.info({ removed: orphans.length }, 'registrations of revoked or expired keys removed');
    return store.size;
  }

  /**
   * Creates a registration for a user, subscribed to the default topics (`["cats"]`) — with a key,
   * only to those of them its scope allows. `identity`: its name and key, if any.
   */
  register(userId: number, req?: string, identity: Identity = {}): ClientInfo {
    const key = identity.keyId ? this.ctx.keys.get(identity.keyId) : undefined;
    const topics = key ? this.registry.defaultTopics.filter((topic) => topicAllowed(key.subscribe, topic)) : undefined;
    const record = this.registry.add(userId, Date.now(), identity, topics);
    try {
      // On disk before anyone is told about it.
      this.ctx.store?.added(record.id, userId, record.topics, record.registeredAt, record);
    } catch (error) {
      this.registry.remove(record.id);
      this.ctx.log.error({ req, user: userId, err: error }, 'cannot store registration');
      throw error;
    }
    this.ctx.log.info({ req, client: record.id, user: userId, name: record.name, key: record.keyId }, 'registered');
    this.directory?.registered(sharedOf(record));
    const info = this.info(record);
    this.ctx.emit(() => ({ type: 'registered', client: info }));
    return info;
  }

  /**
   * In a cluster: a registration another hub made, under its id, name and key. Not written to this
   * hub's store: Redis keeps it, and the hub that made it keeps it on disk.
   */
  adopt(entry: SharedRegistration): Record {
    const name = typeof entry.name === 'string' ? entry.name : null;
    const keyId = typeof entry.keyId === 'string' ? entry.keyId : null;
    return this.#addAs(entry.id, () => this.registry.add(entry.userId, entry.registeredAt, { name, keyId }));
  }

  /** Runs `add` with the registry taking `id` instead of a new one (a stored or shared registration). */
  #addAs(id: string, add: () => Record): Record {
    this.#restoringId = id;
    try {
      return add();
    } finally {
      this.#restoringId = null;
    }
  }

  /** The operator's view of one registration (in a cluster, with the hub that holds its socket). */
  info(record: Record): ClientInfo {
    const directory = this.directory;
    if (directory === null) return toClientInfo(record);
    const hub = record.link !== null ? directory.self : directory.locationOf(record.id);
    return { ...toClientInfo(record, hub !== null), hub };
  }

  /** True when the registration's socket is open, here or on another hub of the cluster. */
  #online(record: Record): boolean {
    return record.link !== null || (this.directory?.locationOf(record.id) ?? null) !== null;
  }

  /** The registration with this name (within a key's scope, or among keyless ones), if any. */
  named(keyId: string | null, name: string): ClientInfo | undefined {
    const record = this.registry.named(keyId, name);
    return record === undefined ? undefined : this.info(record);
  }

  /** A device registered again by name: its registration counts as active now. */
  touch(id: string, now: number = Date.now()): void {
    const record = this.registry.get(id);
    if (record === undefined) return;
    record.lastSeen = now;
    this.ctx.store?.seen(id, now);
  }

  /** True when another registration would pass `maxRegistrations`. */
  get full(): boolean {
    const max = this.ctx.options.maxRegistrations;
    return max > 0 && this.registry.size >= max;
  }

  /**
   * Removes a registration and closes its live socket: 4000 "unregistered", or 4003 "revoked" when
   * its key was. `reason` says why, in the log, the metrics and the event. `shared` false: another
   * hub of the cluster removed it (and told the others).
   */
  unregister(id: string, req?: string, reason: UnregisterReason = 'request', shared = true): boolean {
    if (!this.registry.get(id)) return false;
    this.ctx.store?.removed(id);
    const record = this.registry.remove(id);
    if (!record) return false;
    if (shared) this.directory?.unregistered(id);
    const { log, expired } = this.ctx;
    if (reason === 'request') log.info({ req, client: id, user: record.userId }, 'unregistered');
    else {
      expired.set(reason, (expired.get(reason) ?? 0) + 1);
      log.info({ client: id, user: record.userId, key: record.keyId, reason }, 'registration expired');
    }
    if (reason === 'key_revoked') record.link?.close(CloseCode.revoked, 'revoked');
    else record.link?.close(CloseCode.unregistered, 'unregistered');
    this.ctx.emit(() => ({ type: 'unregistered', id, userId: record.userId, reason }));
    return true;
  }

  /** Removes every registration not connected for at least `ms` (the operator's clean-up); returns how many. */
  removeDisconnected(ms: number, now: number = Date.now()): number {
    const stale = [...this.registry.all()].filter((record) => !this.#online(record) && now - record.lastSeen >= ms);
    for (const record of stale) this.unregister(record.id);
    return stale.length;
  }

  /** Removes every registration of a user; returns how many were removed. */
  unregisterUser(userId: number): number {
    const ids = [...this.registry.clientsOf(userId)].map((record) => record.id);
    for (const id of ids) this.unregister(id);
    return ids.length;
  }

  /**
   * Removes what has expired now: registrations never connected for `expireUnconnectedMs` or idle
   * for `expireIdleMs`, and the registrations of device keys past their expiry. Returns how many.
   */
  expire(now: number = Date.now()): number {
    let removed = this.expireKeys(now);
    const { expireUnconnectedMs: unconnectedMs, expireIdleMs: idleMs } = this.ctx.options;
    const expired = expiredRegistrations(this.registry.all(), { unconnectedMs, idleMs }, this.ctx.startedAt, now);
    for (const { id, reason } of expired) {
      const record = this.registry.get(id);
      if (record !== undefined && this.#online(record)) continue; // its socket is on another hub
      if (this.unregister(id, undefined, reason)) removed++;
    }
    return removed;
  }

  /** Removes the registrations of device keys that expired by `now` (cheap: looks at the keys only). */
  expireKeys(now: number = Date.now()): number {
    let removed = 0;
    for (const keyId of this.ctx.keys.expire(now)) removed += this.#removeKeyRegistrations(keyId);
    return removed;
  }

  /**
   * Revokes a device key: every registration made with it is removed at once (its socket closed with
   * 4003 "revoked") and answers 404 from then on. `revoked` is false when the key was unknown or
   * already revoked (its registrations are removed all the same).
   */
  revokeKey(keyId: string, now: number = Date.now()): { revoked: boolean; removed: number } {
    const revoked = this.ctx.keys.revoke(keyId, now);
    if (revoked) {
      this.ctx.log.info({ key: keyId }, 'device key revoked');
      // Before the registrations go: the other hubs then close their sockets with 4003, not 4000.
      this.shareKey(keyId);
    }
    return { revoked, removed: this.#removeKeyRegistrations(keyId) };
  }

  /** In a cluster: tells the other hubs about a key created (or revoked) here. */
  shareKey(keyId: string): void {
    const record = this.directory === null ? undefined : this.ctx.keys.record(keyId);
    if (record !== undefined) this.directory?.keyChanged(record);
  }

  /**
   * In a cluster: a key created or revoked on another hub, kept here. When it no longer works, its
   * registrations here go as with `revokeKey` (sockets closed with 4003), and the other hubs are told:
   * one made here with the key just before the revocation arrived goes everywhere too. Those the
   * other hub removed already are gone here already, so this is idempotent.
   */
  adoptKey(record: StoredKey): KeyAdoption {
    const { keys, log } = this.ctx;
    const adoption = keys.adopt(record);
    if (adoption === 'conflict') {
      log.warn({ key: record.id }, 'another hub holds a different device key with this id; ignored');
      return adoption;
    }
    if (adoption === 'added') log.info({ key: record.id, name: record.name }, 'device key created on another hub');
    if (adoption === 'revoked') log.info({ key: record.id }, 'device key revoked on another hub');
    if (adoption !== 'same' && !keys.valid(record.id)) this.#removeKeyRegistrations(record.id);
    return adoption;
  }

  /**
   * Checks a registration's key with `check` (null: no key): the reason it is refused, or null.
   * A key found expired here is revoked right after, closing its connections.
   */
  keyCheck(record: Record, check: (key: DeviceKeyInfo | null) => string | null): string | null {
    if (record.keyId === null) return check(null);
    const { keys } = this.ctx;
    const key = keys.get(record.keyId);
    if (key === undefined || !keys.valid(record.keyId)) {
      queueMicrotask(() => this.expire());
      return `the device key ${record.keyId} was revoked or has expired`;
    }
    keys.touch(record.keyId);
    return check(key);
  }

  /** A socket opened on the registration. */
  connected(record: Record, remoteAddress: string | null): void {
    record.lastSeen = Date.now();
    record.everConnected = true;
    this.ctx.store?.seen(record.id, record.lastSeen, true);
    this.directory?.connected(record.id, remoteAddress);
  }

  /** Its socket closed. */
  disconnected(record: Record, close: RemoteClose): void {
    record.lastSeen = Date.now();
    this.ctx.store?.seen(record.id, record.lastSeen);
    if (this.registry.get(record.id) === record) this.directory?.disconnected(record.id, close);
  }

  /** A new topic set (false when the registration is gone). */
  setTopics(record: Record, topics: readonly string[]): boolean {
    if (this.registry.get(record.id) !== record) return false;
    this.registry.setTopics(record, topics);
    this.ctx.store?.topicsChanged(record.id, record.topics);
    this.directory?.topicsChanged(sharedOf(record));
    return true;
  }

  #removeKeyRegistrations(keyId: string): number {
    let removed = 0;
    for (const record of this.registry.ofKey(keyId)) {
      if (this.unregister(record.id, undefined, 'key_revoked')) removed++;
    }
    return removed;
  }
}

/** The operator's view of one registration (`elsewhere`: its socket is on another hub of the cluster). */
export function toClientInfo(record: Record, elsewhere = false): ClientInfo {
  const link = record.link;
  return {
    id: record.id,
    userId: record.userId,
    topics: [...record.topics],
    connected: link !== null || elsewhere,
    remoteAddress: link?.remoteAddress ?? null,
    connectedSince: link?.connectedAt ?? null,
    registeredAt: record.registeredAt,
    messagesSent: record.messagesSent,
    published: record.published,
    bytesSent: record.bytesSent,
    bufferedBytes: link?.bufferedBytes ?? 0,
    dropped: record.dropped,
    name: record.name,
    keyId: record.keyId,
    lastSeen: record.lastSeen,
    everConnected: record.everConnected,
  };
}
