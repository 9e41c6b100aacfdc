/**
 * Reconnect delays: exponential backoff with full jitter (AWS's "Exponential Backoff And Jitter"):
 * the n-th retry waits a random time in [0, min(cap, base × 2ⁿ)). Many devices that lose the hub
 * at once spread their retries over the whole window instead of arriving together.
 */

/** Backoff settings (ms). */
export interface BackoffOptions {
  /** Base of the exponential (default 500 ms: the first retry waits up to 1 s). */
  baseMs?: number;
  /** Longest wait (default 30 s). */
  capMs?: number;
  /** A connection open this long resets the retry count (default 10 s). */
  resetAfterMs?: number;
  /** Random source in [0, 1) (tests). */
  random?: () => number;
}

export const backoffDefaults = { baseMs: 500, capMs: 30_000, resetAfterMs: 10_000 } as const;

/** The wait before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? backoffDefaults.baseMs;
  const cap = options.capMs ?? backoffDefaults.capMs;
  const random = options.random ?? Math.random;
  // 2ⁿ overflows nothing below 2^1023; cap it early anyway.
  const window = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * window);
}
