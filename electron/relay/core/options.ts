/**
 * The relay's options: their type, defaults and checks all come from the one table in
 * `shared/options.ts`. Defaults first, then the caller's options, then every row's check and the
 * invariants between options, each failure a TypeError naming the option.
 */
import { kindProblem, optionDefaults, optionNames, optionRow, type OptionValues } from '../../../shared/options';
import type { HistoryLimits } from './history/types';

/** Everything the relay can be configured with (one row each in `shared/options.ts`). */
export type RelayOptions = OptionValues;

/** Options a running relay can change at its next `start()` (everything but the store and the log). */
export type LiveOptions = Omit<RelayOptions, 'dataDir' | 'fsync' | 'logLevel'>;

/** The history limits in the relay's options. */
export function historyLimitsOf(options: RelayOptions): HistoryLimits {
  return { perTopic: options.historySize, ttlMs: options.historyTtlMs, maxBytes: options.historyMaxBytes };
}

/** Defaults, sized for a LAN hub. */
export const defaultRelayOptions: Readonly<RelayOptions> = optionDefaults;

/** Applies defaults, then checks every option and invariant, throwing a TypeError that names the option. */
export function resolveOptions(options: Partial<RelayOptions> = {}): RelayOptions {
  const resolved: RelayOptions = { ...defaultRelayOptions, ...options };
  for (const name of optionNames) {
    const value: unknown = resolved[name];
    const { kind } = optionRow(name);
    const problem = kindProblem(kind, value);
    // A refused secret is not repeated in the message (it may be the real token, mistyped).
    if (problem !== null)
      throw new TypeError(`option "${name}" ${problem}${kind.type === 'secret' ? '' : `, got ${describe(value)}`}`);
  }
  if ((resolved.tlsCertFile === null) !== (resolved.tlsKeyFile === null)) {
    throw new TypeError('options "tlsCertFile" and "tlsKeyFile" go together: give both or neither');
  }
  if (resolved.allowedOrigins !== null) resolved.allowedOrigins = resolved.allowedOrigins.map(normalizeOrigin);
  if (resolved.publicUrl !== null) resolved.publicUrl = normalizePublicUrl(resolved.publicUrl);
  if (resolved.broker !== null) resolved.broker = normalizeBrokerUrl(resolved.broker);
  return resolved;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = withoutPassword(value);
    return JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown);
  }
  if (Array.isArray(value)) return 'a list';
  return String(value);
}

/** An origin as browsers send it (`scheme://host[:port]`). */
function normalizeOrigin(value: string): string {
  try {
    const origin = new URL(value).origin;
    if (origin !== 'null') return origin;
  } catch {
    // reported below
  }
  throw new TypeError(
    `option "allowedOrigins" must list origins like https://app.example, got ${JSON.stringify(value)}`,
  );
}

/** `http(s)://host[:port]` without a trailing slash or path. */
function normalizePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`option "publicUrl" must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('option "publicUrl" must use http: or https:');
  }
  return url.origin;
}

/** A URL as it may be shown: its password (`scheme://user:password@host`) replaced by `***`. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS); the password never in a message. */
function normalizeBrokerUrl(value: string): string {
  const refuse = (why: string): never => {
    throw new TypeError(`option "broker" ${why}, got ${JSON.stringify(withoutPassword(value))}`);
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse('must be a URL like redis://host:6379/0');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') refuse('must use redis: or rediss: (TLS)');
  if (url.hostname === '') refuse('must name the Redis host');
  if (!/^(\/(\d{1,5})?)?$/.test(url.pathname)) refuse('may end with /<database number> only');
  if (url.search !== '' || url.hash !== '') refuse('takes no query or fragment');
  return value;
}
