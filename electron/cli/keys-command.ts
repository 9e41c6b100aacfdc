/**
 * `relay-hub keys …` and `relay-hub pair …`: the operator's device keys from a terminal, through
 * the REST API of a running hub (`--hub`, default http://127.0.0.1:8000; `--token` or
 * RELAY_HUB_TOKEN, the access token).
 *
 *   relay-hub keys create --name "greenhouse" --users 7 --subscribe 'sensors/*' [--publish …] [--expires-in 30d]
 *   relay-hub keys list
 *   relay-hub keys revoke <id>
 *   relay-hub pair --name "Alice's phone" --user 3 --topics chat,alerts [--expires-in 90d]
 */
import { parseArgs } from 'node:util';
import type { CreateKeyResponse, DeviceKeyListing, PairResponse, RevokeKeyResponse } from '../../shared/keys';

/** How the command reaches the hub (a test passes its own fetch). */
export interface KeysCommandIo {
  env: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
  err: (line: string) => void;
  fetch: typeof fetch;
}

export const keysUsage = `Usage:
  relay-hub keys create --name NAME --users 1[,2] --subscribe 'sensors/*'[,…] [--publish …] [--expires-in 30d]
  relay-hub keys list
  relay-hub keys revoke ID
  relay-hub pair --name NAME --user 3 --topics chat,alerts [--publish …] [--expires-in 90d]
Common: --hub http://host:8000 (default http://127.0.0.1:8000), --token TOKEN (or RELAY_HUB_TOKEN), --json`;

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90d`, `12h`, `30m`, `45s`, `500ms` or a number of ms. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match)
    throw new TypeError(`--expires-in must look like 30d, 12h, 30m, 45s or 500ms, got ${JSON.stringify(text)}`);
  return Number(match[1]) * (units[match[2] ?? 'ms'] ?? 1);
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Runs `keys …` or `pair …` (argv without the program); resolves with the exit code. */
export async function runKeysCommand(argv: readonly string[], io: KeysCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        hub: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean' },
        name: { type: 'string' },
        users: { type: 'string' },
        user: { type: 'string' },
        subscribe: { type: 'string' },
        topics: { type: 'string' },
        publish: { type: 'string' },
        'expires-in': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`relay-hub: ${(error as Error).message}\n${keysUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.out(keysUsage);
    return 0;
  }
  const [group, action, id] = positionals;
  const hub = (values.hub ?? io.env.RELAY_HUB_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
  const token = values.token ?? io.env.RELAY_HUB_TOKEN;
  let request: { method: string; path: string; body?: unknown };
  try {
    const expires = values['expires-in'] === undefined ? undefined : parseDuration(values['expires-in']);
    if (group === 'pair') {
      const subscribe = list(values.topics ?? values.subscribe);
      const publish = values.publish === undefined ? subscribe : list(values.publish);
      const body = { name: values.name, user_id: Number(values.user), subscribe, publish, expires_in_ms: expires };
      request = { method: 'POST', path: '/pair', body };
    } else if (group === 'keys' && action === 'create') {
      const subscribe = list(values.subscribe ?? values.topics);
      const publish = values.publish === undefined ? subscribe : list(values.publish);
      const users = list(values.users ?? values.user).map(Number);
      request = {
        method: 'POST',
        path: '/keys',
        body: { name: values.name, users, subscribe, publish, expires_in_ms: expires },
      };
    } else if (group === 'keys' && action === 'list') request = { method: 'GET', path: '/keys' };
    else if (group === 'keys' && action === 'revoke' && id !== undefined) {
      request = { method: 'DELETE', path: `/keys/${encodeURIComponent(id)}` };
    } else throw new TypeError('unknown command');
  } catch (error) {
    io.err(`relay-hub: ${(error as Error).message}\n${keysUsage}`);
    return 2;
  }
  let res: Response;
  try {
    res = await io.fetch(`${hub}${request.path}`, {
      method: request.method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
  } catch (error) {
    io.err(`relay-hub: cannot reach the hub at ${hub}: ${(error as Error).message}`);
    return 1;
  }
  const answer: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (answer as { error?: { code: string; message: string } } | null)?.error;
    io.err(`relay-hub: ${res.status} ${message ? `${message.code}: ${message.message}` : res.statusText}`);
    return 1;
  }
  if (values.json === true) io.out(JSON.stringify(answer, null, 2));
  else io.out(describe(group === 'pair' ? 'pair' : (action ?? ''), answer));
  return 0;
}

/** A human answer. */
function describe(action: string, answer: unknown): string {
  const when = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toISOString());
  switch (action) {
    case 'create': {
      const { key, secret } = answer as CreateKeyResponse;
      return `Created key ${key.id} "${key.name}" (users ${key.users.join(', ')}; subscribe ${key.subscribe.join(', ')}; publish ${key.publish.join(', ') || 'none'}; expires ${when(key.expiresAt)}).\nSecret (shown once; the hub keeps only its hash):\n  ${secret}`;
    }
    case 'list': {
      const { keys } = answer as { keys: DeviceKeyListing[] };
      if (keys.length === 0) return 'No device keys.';
      return keys
        .map((key) => {
          const state = key.revokedAt === null ? 'active' : `revoked ${when(key.revokedAt)}`;
          return `${key.id}  ${key.name}  users ${key.users.join(',')}  subscribe ${key.subscribe.join(',')}  publish ${key.publish.join(',') || '-'}  ${key.registrations} registration(s)  last used ${when(key.lastUsedAt)}  ${state}`;
        })
        .join('\n');
    }
    case 'revoke': {
      const { id, revoked, removed } = answer as RevokeKeyResponse;
      return revoked
        ? `Revoked ${id}: ${removed} registration(s) removed, their sockets closed (4003).`
        : `${id} was not active.`;
    }
    default: {
      const { link, board, expiresAt } = answer as PairResponse;
      return `Open on the phone (one use, until ${when(expiresAt)}):\n  ${link}\nFor a board:\n  ${JSON.stringify(board)}`;
    }
  }
}
