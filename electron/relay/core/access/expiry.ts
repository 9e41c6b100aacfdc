/**
 * Which registrations have expired: one that never connected, `unconnectedMs` after it was made
 * (or registered again by name); one not connected now, `idleMs` after its last activity. Time the hub was not running does not
 * count: after a restart, every registration gets a full window again. Pure: the hub removes them.
 */
import type { UnregisterReason } from '../../../../shared/hub';

/** The expiry rules (0 turns a rule off). */
export interface ExpiryRules {
  unconnectedMs: number;
  idleMs: number;
}

/** The fields of a registration expiry looks at. */
export interface ExpiryCandidate {
  readonly id: string;
  readonly lastSeen: number;
  readonly everConnected: boolean;
  readonly link: unknown;
}

/** The registrations to remove now, and why. */
export function expiredRegistrations(
  records: Iterable<ExpiryCandidate>,
  rules: ExpiryRules,
  startedAt: number,
  now: number,
): { id: string; reason: Extract<UnregisterReason, 'never_connected' | 'idle'> }[] {
  const expired: { id: string; reason: 'never_connected' | 'idle' }[] = [];
  if (rules.unconnectedMs <= 0 && rules.idleMs <= 0) return expired;
  for (const record of records) {
    if (record.link !== null) continue;
    // Last activity: a connect, a disconnect, or (never connected) the registration or a re-registration by name.
    const since = Math.max(record.lastSeen, startedAt);
    if (!record.everConnected && rules.unconnectedMs > 0 && now - since >= rules.unconnectedMs) {
      expired.push({ id: record.id, reason: 'never_connected' });
    } else if (rules.idleMs > 0 && now - since >= rules.idleMs) {
      expired.push({ id: record.id, reason: 'idle' });
    }
  }
  return expired;
}

/** How often to look: a quarter of the shortest rule, from 1 s to 1 min. */
export function sweepIntervalMs(rules: ExpiryRules): number {
  const shortest = Math.min(...[rules.unconnectedMs, rules.idleMs].filter((ms) => ms > 0), 240_000);
  return Math.min(Math.max(shortest / 4, 1_000), 60_000);
}
