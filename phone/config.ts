/**
 * The phone page's configuration: what pairing gave it (or what the user typed), kept in
 * localStorage so a reload or a reboot reconnects as the same device (same name: same registration).
 */
import type { ClaimResponse } from '../shared/keys';

/** How this device connects. */
export interface DeviceSetup {
  userId: number;
  /** The registration's name (stable across reloads); null registers anew each time. */
  name: string | null;
  /** A device key or the access token; null on an open hub. */
  key: string | null;
  /** The topics it listens to. */
  topics: string[];
  /** What its key allows (patterns), when paired. */
  allowed: { subscribe: string[]; publish: string[] } | null;
}

const storageKey = 'relay-hub-device';

export function loadSetup(): DeviceSetup | null {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as DeviceSetup | null;
    return value !== null && Number.isSafeInteger(value.userId) && Array.isArray(value.topics) ? value : null;
  } catch {
    return null;
  }
}

export function saveSetup(setup: DeviceSetup): void {
  localStorage.setItem(storageKey, JSON.stringify(setup));
}

export function forgetSetup(): void {
  localStorage.removeItem(storageKey);
}

/** The exact topic names among patterns (`sensors/*` and `*` cannot be subscribed to as such). */
export function exactTopics(patterns: readonly string[]): string[] {
  return patterns.filter((pattern) => !pattern.endsWith('*'));
}

/** Trades a pairing code for the device's key and scope (one use, ten minutes). */
export async function claim(code: string): Promise<DeviceSetup> {
  const res = await fetch('/pair/claim', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json()) as ClaimResponse & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `pairing failed (${res.status})`);
  return {
    userId: body.user_id,
    name: body.name,
    key: body.key,
    topics: exactTopics(body.subscribe),
    allowed: { subscribe: body.subscribe, publish: body.publish },
  };
}

/** The pairing code in the page's fragment (`#pair=<code>`), if any. */
export function pairingCode(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('pair');
}
