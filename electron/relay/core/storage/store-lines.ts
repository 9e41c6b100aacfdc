/**
 * The registration store's lines, checked as they are read back: a journal entry, or a
 * registration of the snapshot (`store.ts`). Anything malformed is null: the store decides.
 */

/** One registration as stored. Times are epoch milliseconds. */
export interface StoredRegistration {
  id: string;
  userId: number;
  topics: readonly string[];
  registeredAt: number;
  /** Last connect or disconnect (or the registration), for idle expiry. */
  lastSeen: number;
  /** Its name (`POST /register {"name"}`), or null. */
  name: string | null;
  /** The device key it registered with, or null. */
  keyId: string | null;
  /** A socket opened on it at least once (registrations that never connect expire sooner). */
  everConnected: boolean;
}

/** A journal line: `add` and `del` are acknowledged to devices; `topics` and `seen` follow. */
export type Entry =
  | { op: 'add'; id: string; user: number; topics: readonly string[]; at: number; name?: string; key?: string }
  | { op: 'del'; id: string; at: number }
  | { op: 'topics'; id: string; topics: readonly string[]; at: number }
  // `c`: this activity was a connect.
  | { op: 'seen'; id: string; at: number; c?: 1 };

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isTopics = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((topic) => typeof topic === 'string');

export function toStored(item: unknown): StoredRegistration | null {
  if (typeof item !== 'object' || item === null) return null;
  const r = item as Record<string, unknown>;
  if (!isId(r.id) || !Number.isSafeInteger(r.userId) || !isTopics(r.topics)) return null;
  if (!isTime(r.registeredAt) || !isTime(r.lastSeen)) return null;
  const name = typeof r.name === 'string' ? r.name : null;
  const keyId = typeof r.keyId === 'string' ? r.keyId : null;
  // Snapshots written before this field: any activity after registering was a connect.
  const everConnected = typeof r.everConnected === 'boolean' ? r.everConnected : r.lastSeen > r.registeredAt;
  const { id, userId, topics, registeredAt, lastSeen } = r as unknown as StoredRegistration;
  return { id, userId, topics, registeredAt, lastSeen, name, keyId, everConnected };
}

export function toEntry(line: string): Entry | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const e = value as Record<string, unknown>;
  if (!isId(e.id) || !isTime(e.at)) return null;
  switch (e.op) {
    case 'add': {
      if (!Number.isSafeInteger(e.user) || !isTopics(e.topics)) return null;
      const entry: Entry = { op: 'add', id: e.id, user: e.user as number, topics: e.topics, at: e.at };
      if (typeof e.name === 'string') entry.name = e.name;
      if (typeof e.key === 'string') entry.key = e.key;
      return entry;
    }
    case 'topics':
      return isTopics(e.topics) ? { op: 'topics', id: e.id, topics: e.topics, at: e.at } : null;
    case 'del':
      return { op: 'del', id: e.id, at: e.at };
    case 'seen':
      return e.c === 1 ? { op: 'seen', id: e.id, at: e.at, c: 1 } : { op: 'seen', id: e.id, at: e.at };
    default:
      return null;
  }
}
