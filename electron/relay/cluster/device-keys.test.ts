import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../core/access/keys';
import { keyFromRedis } from './device-keys';

const record: StoredKey = {
  id: '0a1b2c3d',
  hash: 'ab'.repeat(32),
  name: 'sensor',
  users: [7],
  subscribe: ['sensors/*'],
  publish: [],
  expiresAt: null,
  createdAt: 1_000,
  lastUsedAt: null,
  revokedAt: null,
};
const text = JSON.stringify(record);

describe('keyFromRedis', () => {
  it('reads a key’s record and its revocation, kept apart in Redis', () => {
    expect(keyFromRedis(record.id, text, undefined)).toEqual(record);
    expect(keyFromRedis(record.id, text, '5000')).toEqual({ ...record, revokedAt: 5_000 });
    // A record written revoked keeps its own time.
    expect(keyFromRedis(record.id, JSON.stringify({ ...record, revokedAt: 4_000 }), '5000')?.revokedAt).toBe(4_000);
  });

  it('refuses a malformed record, or one filed under another id; ignores a malformed revocation', () => {
    expect(keyFromRedis(record.id, '{', undefined)).toBeNull();
    expect(keyFromRedis(record.id, 'null', undefined)).toBeNull();
    expect(keyFromRedis(record.id, JSON.stringify({ ...record, users: [] }), undefined)).toBeNull();
    expect(keyFromRedis('ffffffff', text, undefined)).toBeNull();
    for (const revoked of ['', 'soon', '-1', 'Infinity']) {
      expect(keyFromRedis(record.id, text, revoked)?.revokedAt, revoked).toBeNull();
    }
  });
});
