/**
 * Pairing codes: "Add a device" makes a device key and a one-time code that stands for it for ten
 * minutes. The phone page trades the code (from its URL's fragment) for the key's secret, once. Codes
 * live in memory only: a restart voids them (the keys stay; pair again).
 */
import { randomBytes } from 'node:crypto';
import { pairingTtlMs, type ClaimResponse } from '../../../../shared/keys';

/** At most this many codes wait at once; the oldest goes first. */
const maxPending = 100;

export class Pairings {
  readonly #pending = new Map<string, { claim: ClaimResponse; keyId: string; expiresAt: number }>();

  /** A new code for `claim` (with the key `keyId`), valid `pairingTtlMs` from `now`. */
  create(claim: ClaimResponse, keyId: string, now: number = Date.now()): { code: string; expiresAt: number } {
    this.#prune(now);
    if (this.#pending.size >= maxPending) this.#pending.delete(this.#pending.keys().next().value as string);
    const code = randomBytes(16).toString('base64url');
    const expiresAt = now + pairingTtlMs;
    this.#pending.set(code, { claim, keyId, expiresAt });
    return { code, expiresAt };
  }

  /** What the code stands for, once; null when unknown, used or expired. */
  claim(code: string, now: number = Date.now()): ClaimResponse | null {
    const pending = this.#pending.get(code);
    this.#pending.delete(code);
    return pending !== undefined && pending.expiresAt > now ? pending.claim : null;
  }

  /** Forgets the codes of a key (it was revoked). */
  forgetKey(keyId: string): void {
    for (const [code, pending] of this.#pending) if (pending.keyId === keyId) this.#pending.delete(code);
  }

  #prune(now: number): void {
    for (const [code, { expiresAt }] of this.#pending) if (expiresAt <= now) this.#pending.delete(code);
  }
}
