/**
 * What a request or a socket may do: the operator (the access token, or anyone on an open hub) may
 * do everything; a device key only what its scope allows. Pure checks: each answers null when
 * allowed, or the reason to put in the 403 `forbidden` (or the socket's error frame).
 */
import type { DeviceKeyInfo } from '../../../../shared/keys';
import { topicAllowed } from './keys';

/** Who is asking. */
export type Credential = { kind: 'operator' } | { kind: 'key'; key: DeviceKeyInfo };

export const operator: Credential = Object.freeze({ kind: 'operator' });

const keyName = (key: DeviceKeyInfo): string => `the device key "${key.name}" (${key.id})`;

/** May `credential` register as `userId`? */
export function mayRegister(credential: Credential, userId: number): string | null {
  if (credential.kind === 'operator' || credential.key.users.includes(userId)) return null;
  return `${keyName(credential.key)} may register as user ${credential.key.users.join(', ')} only, not ${userId}`;
}

/** May `key` (null: no key) subscribe to every topic of `topics`? */
export function maySubscribe(key: DeviceKeyInfo | null, topics: readonly string[]): string | null {
  const refused = key === null ? undefined : topics.find((topic) => !topicAllowed(key.subscribe, topic));
  if (key === null || refused === undefined) return null;
  return `${keyName(key)} may not subscribe to "${refused}" (allowed: ${patternList(key.subscribe)})`;
}

/** May `key` (null: no key) publish on `topic`? */
export function mayPublish(key: DeviceKeyInfo | null, topic: string): string | null {
  if (key === null || topicAllowed(key.publish, topic)) return null;
  return `${keyName(key)} may not publish on "${topic}" (allowed: ${patternList(key.publish)})`;
}

/** May `credential` read a topic's history (as a subscriber would)? */
export function mayReadHistory(credential: Credential, topic: string): string | null {
  return credential.kind === 'operator' ? null : maySubscribe(credential.key, [topic]);
}

/** An operator-only action (unregistering others, metrics, retained messages, keys, pairing). */
export function mayOperate(credential: Credential, what: string): string | null {
  return credential.kind === 'operator'
    ? null
    : `${keyName(credential.key)} may not ${what}: that needs the access token`;
}

function patternList(patterns: readonly string[]): string {
  return patterns.length === 0 ? 'none' : patterns.join(', ');
}
