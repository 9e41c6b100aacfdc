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

  it('stays bounded: idle addresses are swept first, then the oldest half', () => {
    const { rate, clock } = limiter(10, 5, 100);
    for (let i = 0; i < 100; i++) rate.take(`idle-${i}`);
    clock.now = 10_000; // every bucket has refilled
    rate.take('new');
    expect(rate.size).toBe(1);
    for (let i = 0; i < 99; i++) rate.take(`busy-${i}`);
    expect(rate.size).toBe(100);
    rate.take('one-more'); // none refilled: drop the oldest half
    expect(rate.size).toBe(51);
    expect(rate.take('busy-98')).toBe(0); // recent ones kept their bucket (4 tokens left)
  });
});
