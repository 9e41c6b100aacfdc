/**
 * Per-IP rate limits: one token bucket per address, refilled continuously. No timers: idle
 * buckets are swept lazily when the table grows, so the table stays bounded on a LAN full of
 * addresses and nothing is left running after the hub stops.
 */

import { fullBucket, refilled, takeToken, type Bucket } from '../core/clients/bucket';

/** Most addresses tracked before idle buckets are swept (a /16 of a LAN fits). */
const defaultMaxAddresses = 65_536;

/** Token buckets keyed by address. `perSecond` 0 turns the limit off. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: { perSecond: () => number; burst: () => number },
    private readonly now: () => number = performance.now.bind(performance),
    private readonly maxAddresses = defaultMaxAddresses,
  ) {}

  /**
   * Takes one token for `address`. Returns 0 when allowed, else the seconds until a token is
   * back (at least 1), for a 429's Retry-After.
   */
  take(address: string): number {
    const perSecond = this.limits.perSecond();
    if (perSecond <= 0) return 0;
    const burst = this.limits.burst();
    const now = this.now();
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.maxAddresses) this.#sweep(now, perSecond, burst);
      bucket = fullBucket(burst, now);
      this.#buckets.set(address, bucket);
    }
    return takeToken(bucket, now, perSecond, burst);
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Forgets every address (the hub restarted or the limits changed). */
  clear(): void {
    this.#buckets.clear();
  }

  /** Drops buckets that have refilled (their address is idle); if none have, the oldest half. */
  #sweep(now: number, perSecond: number, burst: number): void {
    for (const [address, bucket] of this.#buckets) {
      if (refilled(bucket, now, perSecond) >= burst) this.#buckets.delete(address);
    }
    if (this.#buckets.size < this.maxAddresses) return;
    let excess = Math.ceil(this.#buckets.size / 2);
    for (const address of this.#buckets.keys()) {
      if (excess-- <= 0) break;
      this.#buckets.delete(address);
    }
  }
}
