/**
 * Device keys: scoped credentials the operator gives devices instead of the one access token. A
 * key may register as its users only, subscribe to and publish on its topics only (exact names,
 * `prefix/*` patterns, or `*`), until it expires or is revoked. The hub keeps only a hash of each
 * secret, in `<data dir>/keys.json` (written atomically), or in memory without a data dir. In a
 * cluster the hubs share their keys (`adopt`): a key is created once, with a random id, and then
 * only revoked, so merging two hubs' records of it never conflicts (revoked wins).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxUserId } from '../../../../shared/limits';
import { isTopicPattern, type DeviceKeyInfo, type DeviceKeyScope } from '../../../../shared/keys';
import { StoreError } from '../storage/store';
import { writeFileAtomic } from '../storage/atomic-file';

/** A key as the hub keeps it (and, in a cluster, as the hubs share it: the hash, never the secret). */
export interface StoredKey extends DeviceKeyInfo {
  /** SHA-256 of the secret, hex. */
  hash: string;
}

/** What adopting another hub's record of a key changed here (`conflict`: same id, another secret; kept as it was). */
export type KeyAdoption = 'added' | 'revoked' | 'same' | 'conflict';

export const keysFile = 'keys.json';

/** How often a key's last use is written to disk at most. */
const lastUseWriteMs = 60_000;

const hashOf = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** The key id inside a secret (`rhk_<id>_<random>`), or null when it is not one. */
export function keyIdOf(secret: string): string | null {
  return /^rhk_([0-9a-f]{8})_[\w-]{32}$/.exec(secret)?.[1] ?? null;
}

/** True when `topic` matches one of `patterns`: an exact name, `prefix/*`, or `*`. */
export function topicAllowed(patterns: readonly string[], topic: string): boolean {
  return patterns.some((pattern) =>
    pattern === '*' ? true : pattern.endsWith('/*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic,
  );
}

/** The device keys of a hub. */
export class KeyStore {
  readonly #keys = new Map<string, StoredKey>();
  readonly #path: string | null;
  #dirty = false;
  #lastWrite = 0;

  /** Loads `<dataDir>/keys.json` (none: in memory). A damaged file refuses to start: keys are permissions. */
  constructor(dataDir: string | null) {
    this.#path = dataDir === null ? null : join(dataDir, keysFile);
    if (this.#path === null || !existsSync(this.#path)) return;
    try {
      const parsed = JSON.parse(readFileSync(this.#path, 'utf8')) as { version?: unknown; keys?: unknown };
      if (parsed.version !== 1 || !Array.isArray(parsed.keys)) throw new Error('not a keys file');
      for (const key of parsed.keys as StoredKey[]) {
        if (typeof key.id !== 'string' || typeof key.hash !== 'string') throw new Error('a key without id or hash');
        this.#keys.set(key.id, key);
      }
    } catch (error) {
      throw new StoreError(
        `the device keys ${this.#path} are unreadable (${(error as Error).message}); ` +
          'move the file aside to start without them (their devices then need new keys)',
      );
    }
  }

  /**
   * Takes another hub's record of a key (checked with `parseSharedKey`): a new key is kept as it is;
   * a known one takes its revocation (a key never comes back) and the later of the two last uses.
   * Written to the data dir, so a hub restarted while Redis is unreachable still knows it.
   */
  adopt(record: StoredKey): KeyAdoption {
    const known = this.#keys.get(record.id);
    if (known === undefined) {
      this.#keys.set(record.id, copyOf(record));
      this.#save();
      return 'added';
    }
    if (known.hash !== record.hash) return 'conflict';
    if (record.lastUsedAt !== null && (known.lastUsedAt === null || record.lastUsedAt > known.lastUsedAt)) {
      known.lastUsedAt = record.lastUsedAt;
      this.#dirty = true;
    }
    if (known.revokedAt !== null || record.revokedAt === null) return 'same';
    known.revokedAt = record.revokedAt;
    this.#save();
    return 'revoked';
  }

  /** A key's whole record (hash included), for the other hubs of a cluster; undefined when unknown. */
  record(id: string): StoredKey | undefined {
    const key = this.#keys.get(id);
    return key === undefined ? undefined : copyOf(key);
  }

  /** Every key's whole record (hash included), for the other hubs of a cluster. */
  records(): StoredKey[] {
    return [...this.#keys.values()].map(copyOf);
  }

  /** Creates a key; its secret is returned this once (only its hash is kept). */
  create(scope: DeviceKeyScope, now: number = Date.now()): { key: DeviceKeyInfo; secret: string } {
    let id = randomBytes(4).toString('hex');
    while (this.#keys.has(id)) id = randomBytes(4).toString('hex');
    const secret = `rhk_${id}_${randomBytes(24).toString('base64url')}`;
    const key: StoredKey = {
      ...scope,
      users: [...scope.users],
      subscribe: [...scope.subscribe],
      publish: [...scope.publish],
      id,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
      hash: hashOf(secret),
    };
    this.#keys.set(id, key);
    this.#save();
    return { key: publicOf(key), secret };
  }

  /** The key a secret stands for, when it is valid now (not revoked, not expired); notes its use. */
  verify(secret: string, now: number = Date.now()): DeviceKeyInfo | null {
    const id = keyIdOf(secret);
    const key = id === null ? undefined : this.#keys.get(id);
    if (key === undefined || !usable(key, now)) return null;
    const given = Buffer.from(hashOf(secret), 'hex');
    if (!timingSafeEqual(given, Buffer.from(key.hash, 'hex'))) return null;
    key.lastUsedAt = now;
    this.#dirty = true;
    if (now - this.#lastWrite > lastUseWriteMs) this.#save();
    return key;
  }

  /** Notes a use of a key (a device's socket publish or subscribe); written to disk at most once a minute. */
  touch(id: string, now: number = Date.now()): void {
    const key = this.#keys.get(id);
    if (key === undefined) return;
    key.lastUsedAt = now;
    this.#dirty = true;
    if (now - this.#lastWrite > lastUseWriteMs) this.#save();
  }

  /** A key by id (revoked and expired ones too). */
  get(id: string): DeviceKeyInfo | undefined {
    const key = this.#keys.get(id);
    return key === undefined ? undefined : publicOf(key);
  }

  /** True when the key exists and may be used now. */
  valid(id: string, now: number = Date.now()): boolean {
    const key = this.#keys.get(id);
    return key !== undefined && usable(key, now);
  }

  /** Revokes a key (kept, marked revoked); false when unknown or already revoked. */
  revoke(id: string, now: number = Date.now()): boolean {
    const key = this.#keys.get(id);
    if (key === undefined || key.revokedAt !== null) return false;
    key.revokedAt = now;
    this.#save();
    return true;
  }

  /** Keys that expired since they were last checked (and are not revoked): each is then marked revoked. */
  expire(now: number = Date.now()): string[] {
    const expired: string[] = [];
    for (const key of this.#keys.values()) {
      if (key.revokedAt === null && key.expiresAt !== null && key.expiresAt <= now) {
        key.revokedAt = key.expiresAt;
        expired.push(key.id);
      }
    }
    if (expired.length > 0) this.#save();
    return expired;
  }

  /** Every key, newest first, without secrets. */
  list(): DeviceKeyInfo[] {
    return [...this.#keys.values()].map(publicOf).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Writes what changed since the last write (last uses). */
  flush(): void {
    if (this.#dirty) this.#save();
  }

  /** Writes the file atomically and durably (temp file, fsync, rename, folder fsync). */
  #save(): void {
    this.#dirty = false;
    this.#lastWrite = Date.now();
    if (this.#path === null) return;
    writeFileAtomic(this.#path, JSON.stringify({ version: 1, keys: [...this.#keys.values()] }));
  }
}

function usable(key: StoredKey, now: number): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}

function copyOf(key: StoredKey): StoredKey {
  return { ...key, users: [...key.users], subscribe: [...key.subscribe], publish: [...key.publish] };
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isTimeOrNull = (value: unknown): value is number | null => value === null || isTime(value);
const isPatternList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= 100 && value.every(isTopicPattern);
const isUserList = (value: unknown): value is number[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.length <= 100 &&
  value.every((user) => Number.isInteger(user) && (user as number) >= 0 && (user as number) <= maxUserId);

/**
 * Another hub's record of a key (read from Redis or the bus: checked, never trusted), made into a
 * clean record of the known fields only; null when anything is missing or malformed.
 */
export function parseSharedKey(value: unknown): StoredKey | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { id, hash, name, users, subscribe, publish, expiresAt, createdAt, lastUsedAt, revokedAt } = value as Record<
    string,
    unknown
  >;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}$/.test(id)) return null;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return null;
  if (typeof name !== 'string' || name.length === 0 || name.length > 100) return null;
  if (!isUserList(users) || !isPatternList(subscribe) || !isPatternList(publish)) return null;
  if (!isTime(createdAt) || !isTimeOrNull(expiresAt) || !isTimeOrNull(lastUsedAt) || !isTimeOrNull(revokedAt)) {
    return null;
  }
  return copyOf({ id, hash, name, users, subscribe, publish, expiresAt, createdAt, lastUsedAt, revokedAt });
}

function publicOf(key: StoredKey): DeviceKeyInfo {
  const { hash: _hash, ...info } = key;
  return { ...info, users: [...info.users], subscribe: [...info.subscribe], publish: [...info.publish] };
}
