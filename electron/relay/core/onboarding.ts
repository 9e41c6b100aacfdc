/**
 * Bringing devices on: device keys (create, list with their registrations, revoke) and pairing
 * (a key for one device plus a one-time code for the phone page). The REST routes and the
 * operator's commands both come through here.
 */
import {
  devicePagePath,
  type ClaimResponse,
  type DeviceKeyListing,
  type DeviceKeyScope,
  type PairResponse,
  type RevokeKeyResponse,
  type CreateKeyResponse,
} from '../../../shared/keys';
import type { Hub } from './hub';

/** Creates a key; its secret is in the answer only. */
export function createKey(hub: Hub, scope: DeviceKeyScope): CreateKeyResponse {
  const created = hub.keys.create(scope);
  hub.log.info({ key: created.key.id, name: scope.name }, 'device key created');
  hub.registrations.shareKey(created.key.id);
  return created;
}

/** Every key, newest first, with how many registrations each holds now. */
export function listKeys(hub: Hub): DeviceKeyListing[] {
  const counts = new Map<string, number>();
  for (const record of hub.registrations.registry.all()) {
    if (record.keyId !== null) counts.set(record.keyId, (counts.get(record.keyId) ?? 0) + 1);
  }
  return hub.keys.list().map((key) => ({ ...key, registrations: counts.get(key.id) ?? 0 }));
}

/** Revokes a key: its registrations are removed and their sockets closed (4003), its pairing codes void. */
export function revokeKey(hub: Hub, id: string): RevokeKeyResponse {
  hub.pairings.forgetKey(id);
  return { id, ...hub.registrations.revokeKey(id) };
}

/**
 * "Add a device": a key for one user and its topics, and a one-time code for the phone page at
 * `base` (the hub's http(s) URL as the device will reach it).
 */
export function pairDevice(hub: Hub, scope: DeviceKeyScope, base: string): PairResponse {
  const { key, secret } = createKey(hub, scope);
  const userId = scope.users[0] ?? 0;
  const board = { hub: base, key: secret, user_id: userId, name: scope.name };
  const claim: ClaimResponse = { ...board, subscribe: [...scope.subscribe], publish: [...scope.publish] };
  const { code, expiresAt } = hub.pairings.create(claim, key.id);
  return { key, secret, code, expiresAt, link: `${base}${devicePagePath}#pair=${code}`, board };
}
