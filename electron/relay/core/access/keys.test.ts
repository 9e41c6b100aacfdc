import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore, keyIdOf, keysFile, parseSharedKey, topicAllowed, type StoredKey } from './keys';
import { StoreError } from '../storage/store';

const scope = { name: 'sensor', users: [7], subscribe: ['sensors/*'], publish: ['sensors/a'], expiresAt: null };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-keystore-'));

describe('topicAllowed', () => {
  it('matches exact names, prefix/* patterns and *', () => {
    expect(topicAllowed(['a'], 'a')).toBe(true);
    expect(topicAllowed(['a'], 'ab')).toBe(false);
    expect(topicAllowed(['s/*'], 's/x')).toBe(true);
    expect(topicAllowed(['s/*'], 's/')).toBe(true);
    expect(topicAllowed(['s/*'], 's')).toBe(false);
    expect(topicAllowed(['s/*'], 'sx/y')).toBe(false);
    expect(topicAllowed(['*'], 'anything')).toBe(true);
    expect(topicAllowed([], 'a')).toBe(false);
    expect(topicAllowed(['x', 'a'], 'a')).toBe(true);
  });
});

describe('keyIdOf', () => {
  it('reads the id of a well-formed secret only', () => {
    expect(keyIdOf(`rhk_0a1b2c3d_${'A'.repeat(32)}`)).toBe('0a1b2c3d');
    expect(keyIdOf(`rhk_0a1b2c3d_${'A'.repeat(31)}`)).toBeNull();
    expect(keyIdOf(`rhk_0a1b2c3d_${'A'.repeat(33)}`)).toBeNull();
    expect(keyIdOf(`xrhk_0a1b2c3d_${'A'.repeat(32)}`)).toBeNull();
    expect(keyIdOf(`rhk_0A1B2C3D_${'A'.repeat(32)}`)).toBeNull();
    expect(keyIdOf('a-plain-access-token-0123456789')).toBeNull();
  });
});

describe('KeyStore', () => {
  it('creates keys whose secret verifies (only that secret), keeps copies, lists newest first', () => {
    const store = new KeyStore(null);
    const first = store.create(scope, 1_000);
    const second = store.create({ ...scope, name: 'other' }, 2_000);
    expect(first.key).toMatchObject({ ...scope, createdAt: 1_000, lastUsedAt: null, revokedAt: null });
    expect(first.key).not.toHaveProperty('hash');
    expect(store.verify(first.secret, 1_500)).toMatchObject({ id: first.key.id, lastUsedAt: 1_500 });
    expect(store.verify(second.secret, 1_500)?.id).toBe(second.key.id);
    const forged = `${first.secret.slice(0, 13)}${'A'.repeat(32)}`;
    expect(store.verify(forged)).toBeNull();
    expect(store.verify('rhk_ffffffff_' + 'B'.repeat(32))).toBeNull();
    expect(store.verify('nonsense')).toBeNull();
    expect(store.list().map((k) => k.name)).toEqual(['other', 'sensor']);
    // What it hands out are copies: changing them changes nothing inside.
    store.list()[1]?.users.push(99);
    expect(store.get(first.key.id)?.users).toEqual([7]);
    expect(store.get('nope')).toBeUndefined();
  });

  it('stops a key when revoked (once) or expired, and reports expiries once', () => {
    const store = new KeyStore(null);
    const revoked = store.create(scope, 0);
    const expiring = store.create({ ...scope, expiresAt: 5_000 }, 0);
    expect(store.valid(revoked.key.id, 1)).toBe(true);
    expect(store.revoke(revoked.key.id, 10)).toBe(true);
    expect(store.revoke(revoked.key.id, 11)).toBe(false);
    expect(store.revoke('unknown')).toBe(false);
    expect(store.valid(revoked.key.id, 12)).toBe(false);
    expect(store.verify(revoked.secret, 12)).toBeNull();
    expect(store.get(revoked.key.id)?.revokedAt).toBe(10);

    expect(store.valid(expiring.key.id, 4_999)).toBe(true);
    expect(store.expire(4_999)).toEqual([]);
    expect(store.valid(expiring.key.id, 5_000)).toBe(false);
    expect(store.verify(expiring.secret, 5_000)).toBeNull();
    expect(store.expire(5_000)).toEqual([expiring.key.id]);
    expect(store.expire(6_000)).toEqual([]);
    expect(store.get(expiring.key.id)?.revokedAt).toBe(5_000);
  });

  it('keeps only hashes on disk, survives reopening, and writes last use at most once a minute', () => {
    const dir = tempDir();
    const store = new KeyStore(dir);
    const { key, secret } = store.create(scope, Date.now());
    const onDisk = (): string => readFileSync(join(dir, keysFile), 'utf8');
    const lastUse = (): unknown => (JSON.parse(onDisk()) as { keys: { lastUsedAt: unknown }[] }).keys[0]?.lastUsedAt;
    expect(onDisk()).toContain(key.id);
    expect(onDisk()).not.toContain(secret.slice(13));
    store.verify(secret); // just written at create: the last use waits for flush
    expect(lastUse()).toBeNull();
    store.flush();
    expect(lastUse()).toBeGreaterThan(0);
    store.touch(key.id, Date.now() + 120_000);
    expect(lastUse()).toBe(store.get(key.id)?.lastUsedAt);
    store.touch('unknown');
    store.revoke(key.id);
    const reopened = new KeyStore(dir);
    expect(reopened.get(key.id)).toEqual(store.get(key.id));
    expect(reopened.verify(secret)).toBeNull();
  });

  it('refuses to start on a damaged keys file, naming it', () => {
    for (const text of ['{', '{"version":2,"keys":[]}', '{"version":1}', '{"version":1,"keys":[{"id":"a"}]}']) {
      const dir = tempDir();
      writeFileSync(join(dir, keysFile), text);
      expect(() => new KeyStore(dir)).toThrow(StoreError);
      expect(() => new KeyStore(dir)).toThrow(/keys\.json are unreadable .*move the file aside/);
    }
  });
});

describe('parseSharedKey', () => {
  const good: StoredKey = {
    ...scope,
    id: '0a1b2c3d',
    hash: 'ab'.repeat(32),
    createdAt: 1_000,
    lastUsedAt: null,
    revokedAt: null,
  };

  it('takes a well-formed record, keeping its known fields only, as a copy', () => {
    const value = { ...good, extra: 'dropped', __proto__: { admin: true } } as unknown;
    const parsed = parseSharedKey(value);
    expect(parsed).toEqual(good);
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed).not.toHaveProperty('admin');
    expect(parsed?.users).not.toBe(good.users);
    expect(parseSharedKey({ ...good, expiresAt: 9_000, lastUsedAt: 2_000, revokedAt: 3_000 })).toMatchObject({
      expiresAt: 9_000,
      lastUsedAt: 2_000,
      revokedAt: 3_000,
    });
  });

  it('refuses anything malformed (what another hub wrote is never trusted)', () => {
    const bad: unknown[] = [
      null,
      'key',
      [good],
      { ...good, id: '0A1B2C3D' },
      { ...good, id: '0a1b2c3' },
      { ...good, id: undefined },
      { ...good, hash: 'ab'.repeat(31) },
      { ...good, hash: 'zz'.repeat(32) },
      { ...good, name: '' },
      { ...good, name: 'x'.repeat(101) },
      { ...good, name: 7 },
      { ...good, users: [] },
      { ...good, users: [-1] },
      { ...good, users: [1.5] },
      { ...good, users: ['7'] },
      { ...good, users: 7 },
      { ...good, subscribe: ['a*b'] },
      { ...good, subscribe: 'sensors/*' },
      { ...good, publish: [1] },
      { ...good, createdAt: null },
      { ...good, createdAt: -1 },
      { ...good, expiresAt: 'never' },
      { ...good, expiresAt: undefined },
      { ...good, lastUsedAt: Number.NaN },
      { ...good, revokedAt: Number.POSITIVE_INFINITY },
      { ...good, revokedAt: '3000' },
    ];
    for (const value of bad) expect(parseSharedKey(value), JSON.stringify(value)).toBeNull();
  });
});

describe('KeyStore#adopt', () => {
  it('keeps another hub’s key (its secret then verifies here), persisted in the data dir', () => {
    const dir = tempDir();
    const origin = new KeyStore(null);
    const { key, secret } = origin.create(scope, 1_000);
    const store = new KeyStore(dir);
    const record = origin.record(key.id) as StoredKey;
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(store.adopt(record)).toBe('added');
    expect(store.verify(secret)?.id).toBe(key.id);
    expect(store.adopt(record)).toBe('same');
    expect(new KeyStore(dir).get(key.id)).toMatchObject({ ...scope, id: key.id, createdAt: 1_000 });
    expect(store.records().map((k) => k.id)).toEqual([key.id]);
  });

  it('takes a revocation, never gives one back, and keeps the later last use', () => {
    const dir = tempDir();
    const origin = new KeyStore(null);
    const { key, secret } = origin.create(scope, 1_000);
    const store = new KeyStore(dir);
    store.adopt(origin.record(key.id) as StoredKey);
    store.touch(key.id, 5_000);
    expect(store.adopt({ ...(origin.record(key.id) as StoredKey), lastUsedAt: 4_000 })).toBe('same');
    expect(store.get(key.id)?.lastUsedAt).toBe(5_000);
    expect(store.adopt({ ...(origin.record(key.id) as StoredKey), lastUsedAt: 6_000 })).toBe('same');
    expect(store.get(key.id)?.lastUsedAt).toBe(6_000);
    origin.revoke(key.id, 7_000);
    expect(store.adopt(origin.record(key.id) as StoredKey)).toBe('revoked');
    expect(store.verify(secret)).toBeNull();
    expect(new KeyStore(dir).get(key.id)?.revokedAt).toBe(7_000);
    // An older record (not revoked) changes nothing; nor does a second revocation.
    expect(store.adopt({ ...(origin.record(key.id) as StoredKey), revokedAt: null })).toBe('same');
    expect(store.adopt({ ...(origin.record(key.id) as StoredKey), revokedAt: 8_000 })).toBe('same');
    expect(store.get(key.id)?.revokedAt).toBe(7_000);
  });

  it('keeps its own key when another hub’s has the same id and another secret', () => {
    const store = new KeyStore(null);
    const { key, secret } = store.create(scope, 1_000);
    const other = { ...(store.record(key.id) as StoredKey), hash: 'cd'.repeat(32), revokedAt: 2_000 };
    expect(store.adopt(other)).toBe('conflict');
    expect(store.verify(secret)?.id).toBe(key.id);
  });
});
