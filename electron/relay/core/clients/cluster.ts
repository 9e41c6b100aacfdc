/**
 * The narrow seam between a hub and its cluster (several hubs as one, `--broker`): what the hub
 * tells the other hubs about registrations, sockets and device keys (`Directory`, implemented by the cluster
 * room over Redis), and what the cluster may do to the hub when another hub changed something
 * (`Replica`). A single hub has no directory, and none of this runs.
 */
import type { ClusterInfo } from '../../../../shared/hub';
import type { StoredKey } from '../access/keys';
import type { ClientRecord } from './registry';

/**
 * A registration as the hubs of a cluster share it: the whole entry (every field a registration
 * keeps, present and future), without its socket and what only one hub counts.
 */
export type SharedRegistration = {
  readonly id: string;
  readonly userId: number;
  readonly registeredAt: number;
  readonly topics: readonly string[];
} & Readonly<Record<string, unknown>>;

/** How a socket on another hub ended (for the log and the GUI). */
export interface RemoteClose {
  reason: string;
  code: number;
}

/** The hub → cluster side. Every call returns at once; the work is queued in order. */
export interface Directory {
  /** This hub's member id. */
  readonly self: string;
  /** A registration was made (or its entry changed) on this hub. */
  registered(entry: SharedRegistration): void;
  /** A registration was removed on this hub. */
  unregistered(id: string): void;
  /** A registration's topic set changed on this hub. */
  topicsChanged(entry: SharedRegistration): void;
  /** A device key was created or revoked on this hub (its whole record: the secret's hash, never the secret). */
  keyChanged(key: StoredKey): void;
  /** A socket opened on this hub for registration `id`. */
  connected(id: string, remoteAddress: string | null): void;
  /** This hub's socket for registration `id` closed. */
  disconnected(id: string, close: RemoteClose): void;
  /** Resolves once everything told so far has reached Redis, or could not (Redis unreachable: it is sent on rejoin). */
  settled(): Promise<void>;
  /** Looks up an id this hub does not hold (made a moment ago on another hub); true once the hub holds it. */
  lookup(id: string): Promise<boolean>;
  /** The id of the other hub that holds registration `id`'s socket, or null. */
  locationOf(id: string): string | null;
  /** The cluster as the operator sees it. */
  info(): ClusterInfo;
}

/** The cluster → hub side: what other hubs did, applied here without being told back. */
export interface Replica {
  /** A registration made (or changed) on another hub. */
  adopt(entry: SharedRegistration): void;
  /** A registration removed on another hub: removed here, its socket here (if any) closed with 4000. */
  drop(id: string): void;
  /** Registration `id` connected on another hub after it connected here: this socket is closed with 4001. */
  replace(id: string): void;
  /** Registration `id`'s socket opened (`close` null) or closed on the hub named `hub` (for the log). */
  located(id: string, hub: string, remoteAddress: string | null, close: RemoteClose | null): void;
  /**
   * A device key created or revoked on another hub (checked with `parseSharedKey`): kept here (and in
   * the data dir); a revoked one takes this hub's registrations of it (sockets closed with 4003).
   */
  adoptKey(key: StoredKey): void;
  /** Every device key this hub knows (revoked ones too). */
  keys(): Iterable<StoredKey>;
  /** Every registration this hub holds. */
  entries(): Iterable<SharedRegistration>;
  /** The registrations with a socket on this hub, with its remote address. */
  sockets(): Iterable<[id: string, remoteAddress: string | null]>;
}

/** The fields of a registration only one hub knows (its socket and its counters): never shared. */
const local = new Set(['link', 'messagesSent', 'bytesSent', 'dropped', 'published']);
/** Never copied from what another hub wrote (an object's own machinery). */
const unsafe = new Set(['__proto__', 'constructor', 'prototype']);

/** A registration's shareable entry: every field but its socket and counters (so new fields travel too). */
export function sharedOf<L>(record: ClientRecord<L>): SharedRegistration {
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!local.has(key)) entry[key] = value;
  return entry as SharedRegistration;
}

/** The fields of a shared entry beyond id, user, time and topics (set on the record as they are). */
export function extraFieldsOf(entry: SharedRegistration): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    const core = key === 'id' || key === 'userId' || key === 'registeredAt' || key === 'topics';
    if (!core && !local.has(key) && !unsafe.has(key)) {
      extra[key] = value;
    }
  }
  return extra;
}

/** True when `value` is a usable shared entry (what another hub wrote in Redis is checked, never trusted). */
export function isSharedRegistration(value: unknown): value is SharedRegistration {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.id === 'string' &&
    entry.id.length > 0 &&
    entry.id.length <= 128 &&
    typeof entry.userId === 'number' &&
    Number.isSafeInteger(entry.userId) &&
    typeof entry.registeredAt === 'number' &&
    Array.isArray(entry.topics) &&
    entry.topics.every((topic) => typeof topic === 'string')
  );
}
