import { describe, expect, it } from 'vitest';
import { RateLimiter } from './ratelimit';

/** A limiter on a clock the test moves. */
function limiter(
  perSecond: number,
  burst: number,
  maxAddresses?: number,
): { rate: RateLimiter; clock: { now: number } } {
  const clock = { now: 0 };
  const rate = new RateLimiter({ perSecond: () => perSecond, burst: () => burst }, () => clock.now, maxAddresses);
  return { rate, clock };
}

/** Takes every token of `address`'s bucket. */
function drain(rate: RateLimiter, address: string): void {
  while (rate.take(address) === 0);
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const { rate, clock } = limiter(2, 3);
    expect([rate.take('a'), rate.take('a'), rate.take('a')]).toEqual([0, 0, 0]);
    expect(rate.take('a')).toBe(1); // 0.5 s to one token at 2/s → Retry-After 1
    clock.now = 499;
    expect(rate.take('a')).toBeGreaterThan(0);
    clock.now = 1_000; // 2 tokens back since t=0 → the refused calls took nothing
    expect([rate.take('a'), rate.take('a'), rate.take('a')]).toEqual([0, 0, 1]);
  });

  it('waits whole seconds for slow rates and never refills past the burst', () => {
    const { rate, clock } = limiter(1, 2);
    rate.take('a');
    rate.take('a');
    expect(rate.take('a')).toBe(1);
    clock.now = 3_600_000;
    expect([rate.take('a'), rate.take('a'), rate.take('a')]).toEqual([0, 0, 1]);
    const slow = limiter(1, 1);
    slow.rate.take('x');
    slow.clock.now = 100;
    expect(slow.rate.take('x')).toBe(1);
    const slower = limiter(0.5, 1); // one token every 2 s
    slower.rate.take('x');
    expect(slower.rate.take('x')).toBe(2);
  });

  it('keeps one bucket per address', () => {
    const { rate } = limiter(1, 1);
    expect(rate.take('10.0.0.1')).toBe(0);
    expect(rate.take('10.0.0.1')).toBe(1);
    expect(rate.take('10.0.0.2')).toBe(0);
  });

  it('is off at 0 per second and tracks nothing', () => {
    const { rate } = limiter(0, 1);
    for (let i = 0; i < 100; i++) expect(rate.take('a')).toBe(0);
    expect(rate.size).toBe(0);
  });

  it('stays bounded: a full table drops the addresses whose buckets have refilled, and keeps the rest', () => {
    const { rate, clock } = limiter(1, 2, 10);
    for (let i = 0; i < 3; i++) rate.take(`idle-${i}`); // 1 token left: full again 1 s later
    clock.now = 1_000;
    for (let i = 0; i < 7; i++) drain(rate, `busy-${i}`);
    expect(rate.size).toBe(10); // nothing is swept before the table is full
    rate.take('new');
    expect(rate.size).toBe(8); // the three idle ones are gone, nothing else
    // The busy ones kept their empty buckets: a fresh bucket would let them through.
    expect(Array.from({ length: 7 }, (_, i) => rate.take(`busy-${i}`))).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('stays bounded: with no idle address, the oldest half goes and the newest keep their buckets', () => {
    const { rate } = limiter(1, 2, 10);
    const addresses = Array.from({ length: 10 }, (_, i) => `a${i}`);
    for (const address of addresses) drain(rate, address);
    rate.take('one-more');
    expect(rate.size).toBe(6); // a5..a9 and one-more
    // a5..a9 are still refused (their buckets were kept); a0..a4 start over with full buckets.
    expect(addresses.slice(5).map((address) => rate.take(address))).toEqual([1, 1, 1, 1, 1]);
    expect(addresses.slice(0, 5).map((address) => rate.take(address))).toEqual([0, 0, 0, 0, 0]);
  });

  it('forgets every address on clear()', () => {
    const { rate } = limiter(1, 1);
    drain(rate, 'a');
    expect(rate.take('a')).toBe(1);
    rate.clear();
    expect(rate.size).toBe(0);
    expect(rate.take('a')).toBe(0);
  });
});
