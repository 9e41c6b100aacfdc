/**
 * Shared device keys (the directory's part for keys; see `directory.ts`): a key created or revoked
 * on any hub works, or stops working, on every hub. Redis keeps each key's record once (the secret's
 * hash, never the secret) and its revocation apart, both written only if absent: a key is created
 * once, with a random id, and then only revoked, so the writes never conflict and every hub ends
 * with the same keys whatever order it learns them in (revoked wins). Each change is announced on
 * the bus; on every (re)join the hub adopts every key Redis holds, then writes back what Redis
 * lacks (keys made or revoked here while it was unreachable, or all of them when Redis lost its
 * data). Last uses are not shared: each hub notes the uses it sees (a change carries the sender's).
 */
import type { Replica } from '../core/clients/cluster';
import { parseSharedKey, type StoredKey } from '../core/access/keys';
import type { RedisLink } from './link';
import type { ClusterKeys } from './redis';

/** The bus's control message for a key (after its `c`). */
export interface KeyControl {
  k: 'key';
  h: string;
  /** The key's whole record (checked with `parseSharedKey` by whoever reads it). */
  e: unknown;
}

export class SharedKeys {
  constructor(
    private readonly self: string,
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    /** Sends in the directory's order (its `settled()` waits for it too). */
    private readonly send: (run: () => Promise<unknown>) => void,
  ) {}

  /** A key created or revoked here. While Redis is unreachable nothing is noted: the rejoin compares every key. */
  changed(key: StoredKey): void {
    if (this.link.state !== 'up') return;
    const control: KeyControl = { k: 'key', h: this.self, e: key };
    const message = `c${JSON.stringify(control)}`;
    const { deviceKeys, revokedKeys, bus } = this.keys;
    const revokedAt = key.revokedAt === null ? '' : String(key.revokedAt);
    this.send(() =>
      this.link.run('relayKeyTell', deviceKeys, revokedKeys, key.id, JSON.stringify(key), revokedAt, bus, message),
    );
  }

  /** A key's control message from the bus (this hub's own come back too, and are ignored). */
  onControl(control: KeyControl, replica: Replica): void {
    if (control.h === this.self) return;
    const key = parseSharedKey(control.e);
    if (key !== null) replica.adoptKey(key);
  }

  /** The link is up: adopts every key Redis holds, then writes back those Redis lacks or holds unrevoked. */
  async joined(replica: Replica): Promise<void> {
    const redis = this.link.redis;
    if (redis === null) return;
    const [records, revocations] = await Promise.all([
      redis.hgetall(this.keys.deviceKeys),
      redis.hgetall(this.keys.revokedKeys),
    ]);
    /** id → revoked in Redis. */
    const held = new Map<string, boolean>();
    for (const [id, text] of Object.entries(records)) {
      const key = keyFromRedis(id, text, revocations[id]);
      if (key === null) continue;
      held.set(id, key.revokedAt !== null);
      replica.adoptKey(key);
    }
    for (const key of replica.keys()) {
      const revoked = held.get(key.id);
      if (revoked === undefined || (!revoked && key.revokedAt !== null)) this.changed(key);
    }
  }
}

/**
 * A key as Redis holds it: its record (JSON, under `id`) and its revocation time, if any. Null when
 * the record is malformed or names another id (what Redis holds is checked, never trusted); a
 * malformed revocation time is ignored.
 */
export function keyFromRedis(id: string, record: string, revokedAt: string | undefined): StoredKey | null {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch {
    return null;
  }
  const key = parseSharedKey(value);
  if (key === null || key.id !== id) return null;
  const revoked = revokedAt === undefined ? NaN : Number(revokedAt);
  if (key.revokedAt === null && revokedAt !== '' && Number.isFinite(revoked) && revoked >= 0) key.revokedAt = revoked;
  return key;
}
