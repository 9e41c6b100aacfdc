import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore, keyIdOf, keysFile, topicAllowed } from './keys';
import { StoreError } from './store';

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
