/**
 * A token bucket: `burst` tokens, refilled continuously at `perSecond`. The per-IP rate limits of
 * the HTTP routes keep one per address; a device socket keeps one for its publishes.
 */

/** Tokens left at `at` (ms, any monotonic clock). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** The tokens a bucket holds at `now`, before the burst cap. */
export const refilled = (bucket: Bucket, now: number, perSecond: number): number =>
  bucket.tokens + ((now - bucket.at) * perSecond) / 1000;

/** A full bucket at `now`. */
export const fullBucket = (burst: number, now: number): Bucket => ({ tokens: burst, at: now });

/**
 * Takes one token at `now`. Returns 0 when there was one, else the seconds until one is back
 * (at least 1, for a Retry-After).
 */
export function takeToken(bucket: Bucket, now: number, perSecond: number, burst: number): number {
  bucket.tokens = Math.min(burst, refilled(bucket, now, perSecond));
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
}
