import { describe, expect, it } from 'vitest';
import { isTopicPattern, parseClaim, parseCreateKey, parsePairRequest } from './keys';

const valid = { name: ' sensor ', users: [7, 7, 8], subscribe: ['a', 'a', 's/*'], publish: ['*'] };

describe('device key scopes', () => {
  it('reads a scope: trimmed name, distinct users and patterns, expiry from now', () => {
    expect(parseCreateKey(valid, 1_000)).toEqual({
      ok: true,
      value: { name: 'sensor', users: [7, 8], subscribe: ['a', 's/*'], publish: ['*'], expiresAt: null },
    });
    expect(parseCreateKey({ ...valid, expires_in_ms: 500 }, 1_000)).toMatchObject({ value: { expiresAt: 1_500 } });
    expect(parseCreateKey({ ...valid, expires_in_ms: null }, 1_000)).toMatchObject({ value: { expiresAt: null } });
    expect(parseCreateKey({ ...valid, publish: [] }, 0)).toMatchObject({ ok: true, value: { publish: [] } });
  });

  it.each([
    ['not an object', null, 'expected'],
    ['an array', [], 'expected'],
    ['no name', { ...valid, name: undefined }, 'name'],
    ['a blank name', { ...valid, name: '  ' }, 'name'],
    ['a long name', { ...valid, name: 'n'.repeat(101) }, 'name'],
    ['no users', { ...valid, users: [] }, 'users'],
    ['users not a list', { ...valid, users: 7 }, 'users'],
    ['too many users', { ...valid, users: Array.from({ length: 101 }, (_, i) => i) }, 'users'],
    ['a bad user', { ...valid, users: [-1] }, 'user_id'],
    ['a bad pattern', { ...valid, subscribe: ['a*b'] }, 'subscribe'],
    ['publish not a list', { ...valid, publish: 'a' }, 'publish'],
    ['too many patterns', { ...valid, subscribe: Array.from({ length: 101 }, (_, i) => `t${i}`) }, 'subscribe'],
    ['a zero expiry', { ...valid, expires_in_ms: 0 }, 'expires_in_ms'],
    ['a fractional expiry', { ...valid, expires_in_ms: 1.5 }, 'expires_in_ms'],
    ['a text expiry', { ...valid, expires_in_ms: '1' }, 'expires_in_ms'],
  ])('refuses %s', (_what, body, field) => {
    const parsed = parseCreateKey(body, 0);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(field);
  });

  it('takes exactly the limits: a 100-character name, 100 users, 100 patterns', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    const parsed = parseCreateKey(
      { name: 'n'.repeat(100), users: hundred, subscribe: hundred.map((i) => `t${i}`), publish: [] },
      0,
    );
    expect(parsed).toMatchObject({ ok: true, value: { name: 'n'.repeat(100) } });
    expect(parsed.ok && parsed.value.users.length).toBe(100);
    expect(parsed.ok && parsed.value.subscribe.length).toBe(100);
  });

  it('names what a pairing needs when its body is not an object', () => {
    for (const body of [null, [], 'x']) {
      expect(parsePairRequest(body, 0)).toMatchObject({
        ok: false,
        message: expect.stringContaining('"user_id"') as string,
      });
    }
  });

  it('knows a topic pattern: a name, prefix/* or *, at most 256 characters', () => {
    for (const ok of ['a', 'a/b', 'a/*', '*', 'a/b/*', 'x'.repeat(256)]) expect(isTopicPattern(ok), ok).toBe(true);
    for (const bad of ['', 'a*', '*a', 'a/*/b', 'a/**', 'abc*d/*', 'x'.repeat(257), 1, null]) {
      expect(isTopicPattern(bad), String(bad)).toBe(false);
    }
  });

  it('reads a pairing: one user, publish defaulting to subscribe', () => {
    expect(parsePairRequest({ name: 'phone', user_id: 3, subscribe: ['chat'] }, 0)).toEqual({
      ok: true,
      value: { name: 'phone', users: [3], subscribe: ['chat'], publish: ['chat'], expiresAt: null },
    });
    expect(parsePairRequest({ name: 'p', user_id: 3, subscribe: ['a'], publish: [] }, 0)).toMatchObject({
      value: { publish: [] },
    });
    expect(parsePairRequest([], 0).ok).toBe(false);
    expect(parsePairRequest({ name: 'p', user_id: 'x', subscribe: ['a'] }, 0).ok).toBe(false);
  });

  it('reads a claim code', () => {
    expect(parseClaim({ code: 'A'.repeat(22) })).toEqual({ ok: true, value: 'A'.repeat(22) });
    for (const bad of [null, {}, { code: 1 }, { code: 'short' }, { code: 'x'.repeat(65) }, { code: 'a b'.repeat(8) }]) {
      expect(parseClaim(bad).ok).toBe(false);
    }
  });
});
