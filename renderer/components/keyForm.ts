/**
 * The key dialogs' form, pure: "Add a device" (one user, a phone link) and "Create a key" (any
 * users). Checked with the hub's own parsers, so the form refuses exactly what the hub would.
 */
import type { PairDeviceRequest } from '../../shared/ipc';
import { parseCreateKey, parsePairRequest, type CreateKeyRequest, type DeviceKeyInfo } from '../../shared/keys';

/** The form's raw values. */
export interface KeyFields {
  name: string;
  /** One user id ("Add a device") or several, comma-separated ("Create a key"). */
  users: string;
  /** Topics or patterns, comma-separated. */
  subscribe: string;
  /** Publish on the same topics as subscribe (the default). */
  publishSame: boolean;
  publish: string;
  /** Milliseconds from now, or 0 for never. */
  expiresInMs: number;
  /** The device URL the phone link uses ("Add a device"). */
  base: string;
}

/** The choices of the expiry select. */
export const expiryChoices: readonly { ms: number; label: string }[] = [
  { ms: 0, label: 'Never' },
  { ms: 3_600_000, label: 'In 1 hour' },
  { ms: 86_400_000, label: 'In 1 day' },
  { ms: 7 * 86_400_000, label: 'In 7 days' },
  { ms: 30 * 86_400_000, label: 'In 30 days' },
  { ms: 365 * 86_400_000, label: 'In 1 year' },
];

/** An empty form on `base`. */
export function emptyKeyFields(base = ''): KeyFields {
  return { name: '', users: '', subscribe: '', publishSame: true, publish: '', expiresInMs: 0, base };
}

/** The form started from an existing key: its users and topics (its secret stays unknown: the hub keeps a hash). */
export function fieldsFromKey(fields: KeyFields, key: DeviceKeyInfo, oneUser: boolean): KeyFields {
  const same = key.publish.join(',') === key.subscribe.join(',');
  return {
    ...fields,
    name: fields.name === '' ? key.name : fields.name,
    users: oneUser ? String(key.users[0] ?? '') : key.users.join(', '),
    subscribe: key.subscribe.join(', '),
    publishSame: same,
    publish: same ? '' : key.publish.join(', '),
  };
}

/** Per-field messages. */
export type KeyErrors = Partial<Record<'name' | 'users' | 'subscribe' | 'publish', string>>;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

type Checked<T> = { ok: true; value: T } | { ok: false; errors: KeyErrors };

/** The `pairDevice` request of "Add a device". */
export function validatePairing(fields: KeyFields, now: number = Date.now()): Checked<PairDeviceRequest> {
  const user = fields.users.trim();
  if (!/^\d{1,16}$/.test(user)) {
    return {
      ok: false,
      errors: { users: user === '' ? 'Enter the user id this device registers as' : 'A user id is a whole number' },
    };
  }
  const request: PairDeviceRequest = {
    name: fields.name.trim(),
    user_id: Number(user),
    subscribe: list(fields.subscribe),
    publish: fields.publishSame ? list(fields.subscribe) : list(fields.publish),
    ...(fields.expiresInMs > 0 ? { expires_in_ms: fields.expiresInMs } : {}),
    ...(fields.base === '' ? {} : { base: fields.base }),
  };
  if (request.subscribe.length === 0 && request.publish?.length === 0) return { ok: false, errors: noTopics };
  const parsed = parsePairRequest(request, now);
  return parsed.ok ? { ok: true, value: request } : { ok: false, errors: errorsOf(parsed.message) };
}

/** The `createKey` request of "Create a key". */
export function validateKey(fields: KeyFields, now: number = Date.now()): Checked<CreateKeyRequest> {
  const users = list(fields.users);
  if (users.length === 0) return { ok: false, errors: { users: 'Enter at least one user id' } };
  const bad = users.find((u) => !/^\d{1,16}$/.test(u));
  if (bad !== undefined) return { ok: false, errors: { users: `“${bad}” is not a user id (a whole number)` } };
  const request: CreateKeyRequest = {
    name: fields.name.trim(),
    users: users.map(Number),
    subscribe: list(fields.subscribe),
    publish: fields.publishSame ? list(fields.subscribe) : list(fields.publish),
    ...(fields.expiresInMs > 0 ? { expires_in_ms: fields.expiresInMs } : {}),
  };
  if (request.subscribe.length === 0 && request.publish.length === 0) return { ok: false, errors: noTopics };
  const parsed = parseCreateKey(request, now);
  return parsed.ok ? { ok: true, value: request } : { ok: false, errors: errorsOf(parsed.message) };
}

const noTopics: KeyErrors = { subscribe: 'Enter at least one topic, or a pattern like sensors/*' };

/** The parsers name the field their message is about first. */
function errorsOf(message: string): KeyErrors {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  if (message.startsWith('name')) return { name: text };
  if (message.startsWith('subscribe')) return { subscribe: text };
  if (message.startsWith('publish')) return { publish: text };
  return { users: text };
}

/** A key's state: working, revoked by the operator, or past its expiry. */
export type KeyState = 'active' | 'revoked' | 'expired';

/** The state of a key now (an expired key is marked revoked at its expiry time by the hub). */
export function keyState(key: DeviceKeyInfo, now: number = Date.now()): KeyState {
  if (key.expiresAt !== null && key.expiresAt <= (key.revokedAt ?? now)) return 'expired';
  return key.revokedAt === null ? 'active' : 'revoked';
}
