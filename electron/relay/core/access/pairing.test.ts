import { describe, expect, it } from 'vitest';
import { pairingTtlMs, type ClaimResponse } from '../../../../shared/keys';
import { Pairings } from './pairing';

const claim = (name: string): ClaimResponse => ({
  hub: 'http://h:8000',
  key: `rhk_${name}`,
  user_id: 1,
  name,
  subscribe: ['a'],
  publish: ['a'],
});

describe('Pairings', () => {
  it('trades a code once, within its ten minutes', () => {
    const pairings = new Pairings();
    const { code, expiresAt } = pairings.create(claim('a'), 'k1', 1_000);
    expect(code).toMatch(/^[\w-]{22}$/);
    expect(expiresAt).toBe(1_000 + pairingTtlMs);
    expect(pairings.claim(code, 2_000)).toEqual(claim('a'));
    expect(pairings.claim(code, 2_000)).toBeNull();
    const late = pairings.create(claim('b'), 'k2', 0);
    expect(pairings.claim(late.code, pairingTtlMs)).toBeNull();
    const justInTime = pairings.create(claim('c'), 'k3', 0);
    expect(pairings.claim(justInTime.code, pairingTtlMs - 1)).toEqual(claim('c'));
    expect(pairings.claim('unknown')).toBeNull();
  });

  it("forgets a revoked key's codes, and keeps at most 100 waiting (the oldest goes)", () => {
    const pairings = new Pairings();
    const a = pairings.create(claim('a'), 'gone', 0);
    const b = pairings.create(claim('b'), 'kept', 0);
    pairings.forgetKey('gone');
    expect(pairings.claim(a.code, 1)).toBeNull();
    expect(pairings.claim(b.code, 1)).toEqual(claim('b'));
    const codes = Array.from({ length: 101 }, (_, i) => pairings.create(claim(String(i)), `k${i}`, 0).code);
    expect(pairings.claim(codes[0] ?? '', 1)).toBeNull();
    expect(pairings.claim(codes[1] ?? '', 1)).toEqual(claim('1'));
    expect(pairings.claim(codes[100] ?? '', 1)).toEqual(claim('100'));
  });

  it('drops expired codes when making new ones, so they do not count against the 100', () => {
    const pairings = new Pairings();
    for (let i = 0; i < 100; i++) pairings.create(claim(String(i)), `old${i}`, 0);
    const fresh = pairings.create(claim('fresh'), 'new', pairingTtlMs + 1);
    const second = pairings.create(claim('second'), 'new2', pairingTtlMs + 2);
    expect(pairings.claim(fresh.code, pairingTtlMs + 3)).toEqual(claim('fresh'));
    expect(pairings.claim(second.code, pairingTtlMs + 3)).toEqual(claim('second'));
  });
});
