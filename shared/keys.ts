/**
 * Device keys in the API and the GUI contract: what a key allows (its scope), how it is shown
 * (never its secret, which the hub returns once, at creation), and the pure parser of a scope.
 */
import { parseUserId, type Parsed } from './parse';

/** What a key allows. */
export interface DeviceKeyScope {
  /** A name for the operator. */
  name: string;
  /** The user ids it may register as (at least one). */
  users: number[];
  /** Topics it may subscribe to: exact names, `prefix/*`, or `*` (any). */
  subscribe: string[];
  /** Topics it may publish on, the same way. */
  publish: string[];
  /** When it stops working (ms since the epoch), or null for never. */
  expiresAt: number | null;
}

/** A key as the operator sees it. */
export interface DeviceKeyInfo extends DeviceKeyScope {
  id: string;
  createdAt: number;
  /** Its last successful use (register, publish), or null. */
  lastUsedAt: number | null;
  /** When it was revoked (or expired), or null while it works. */
  revokedAt: number | null;
}

/** `POST /keys` and `createKey`: the scope; `expires_in_ms` instead of `expiresAt` over HTTP. */
export interface CreateKeyRequest {
  name: string;
  users: number[];
  subscribe: string[];
  publish: string[];
  expires_in_ms?: number | null;
}

/** The answer of `POST /keys`: the key, and its secret (shown this once). */
export interface CreateKeyResponse {
  key: DeviceKeyInfo;
  secret: string;
}

const invalid = (message: string): { ok: false; code: 'invalid_body'; message: string } => ({
  ok: false,
  code: 'invalid_body',
  message,
});

/** A topic pattern: a topic name, `prefix/*`, or `*` (1–256 characters). */
export function isTopicPattern(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return false;
  // A star only alone, or as a whole last segment after a slash.
  const name = value === '*' ? '' : value.endsWith('/*') ? value.slice(0, -2) : value;
  return !name.includes('*');
}

function patterns(value: unknown, field: string): Parsed<string[]> {
  if (!Array.isArray(value) || value.length > 100 || !value.every(isTopicPattern)) {
    return invalid(`${field} must be a list of up to 100 topics or patterns like sensors/* (or * for any)`);
  }
  return { ok: true, value: [...new Set(value)] };
}

/** The scope of a new key, from `POST /keys` or the GUI; `now` turns `expires_in_ms` into a time. */
export function parseCreateKey(body: unknown, now: number): Parsed<DeviceKeyScope> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('expected {"name", "users": [1], "subscribe": ["sensors/*"], "publish": [...], "expires_in_ms"?}');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) {
    return invalid('name must be a text of 1 to 100 characters');
  }
  if (!Array.isArray(b.users) || b.users.length === 0 || b.users.length > 100) {
    return invalid('users must list 1 to 100 user ids');
  }
  const users: number[] = [];
  for (const user of b.users) {
    const parsed = parseUserId(user);
    if (!parsed.ok) return parsed;
    users.push(parsed.value);
  }
  const subscribe = patterns(b.subscribe, 'subscribe');
  if (!subscribe.ok) return subscribe;
  const publish = patterns(b.publish, 'publish');
  if (!publish.ok) return publish;
  let expiresAt: number | null = null;
  if (b.expires_in_ms !== undefined && b.expires_in_ms !== null) {
    const ms = b.expires_in_ms;
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0) {
      return invalid('expires_in_ms must be a positive whole number of milliseconds, or null for never');
    }
    expiresAt = now + ms;
  }
  return {
    ok: true,
    value: {
      name: b.name.trim(),
      users: [...new Set(users)],
      subscribe: subscribe.value,
      publish: publish.value,
      expiresAt,
    },
  };
}

/** A key in `GET /keys` and the GUI: with how many registrations it holds now. */
export interface DeviceKeyListing extends DeviceKeyInfo {
  registrations: number;
}

/** `DELETE /keys/<id>` and `revokeKey`: whether it was revoked now, and how many registrations went with it. */
export interface RevokeKeyResponse {
  id: string;
  revoked: boolean;
  removed: number;
}

/** `POST /pair` and the GUI's "Add a device": one device's user, topics and name. */
export interface PairRequest {
  /** Shown in the keys list and used as the device's registration name. */
  name: string;
  user_id: number;
  subscribe: string[];
  /** Default: the same as `subscribe`. */
  publish?: string[];
  expires_in_ms?: number | null;
}

/** How long a pairing code works, once. */
export const pairingTtlMs = 10 * 60_000;

/** The path of the hub's phone page; the pairing code travels in the fragment (`#pair=<code>`). */
export const devicePagePath = '/device';

/** The answer of `POST /pair`: the new key, the phone link and the boards' snippet. */
export interface PairResponse {
  key: DeviceKeyInfo;
  /** The key's secret (shown this once): for the boards' snippet. */
  secret: string;
  /** One-time code, valid `pairingTtlMs`, in the fragment of `link`. */
  code: string;
  expiresAt: number;
  /** The phone page with the code: `http://<hub>/device#pair=<code>`. */
  link: string;
  /** What a board needs: `{"hub": "http://…:8000", "key": "rhk_…", "user_id", "name"}`. */
  board: DeviceConfig;
}

/** A device's configuration: where the hub is, its key, who it registers as. */
export interface DeviceConfig {
  hub: string;
  key: string;
  user_id: number;
  name: string;
}

/** `POST /pair/claim {"code"}`: the configuration, and the topics the key allows. */
export interface ClaimResponse extends DeviceConfig {
  subscribe: string[];
  publish: string[];
}

/** The scope of a pairing's key, from `POST /pair` or the GUI. */
export function parsePairRequest(body: unknown, now: number): Parsed<DeviceKeyScope> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('expected {"name", "user_id": 1, "subscribe": ["sensors/*"], "publish"?: [...], "expires_in_ms"?}');
  }
  const b = body as Record<string, unknown>;
  return parseCreateKey(
    {
      name: b.name,
      users: [b.user_id],
      subscribe: b.subscribe,
      publish: b.publish ?? b.subscribe,
      expires_in_ms: b.expires_in_ms,
    },
    now,
  );
}

/** The code of `POST /pair/claim`. */
export function parseClaim(body: unknown): Parsed<string> {
  const code = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).code : undefined;
  if (typeof code !== 'string' || !/^[\w-]{16,64}$/.test(code)) return invalid('expected {"code": "<pairing code>"}');
  return { ok: true, value: code };
}
