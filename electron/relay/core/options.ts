import type { SlowConsumerPolicy } from '../../../shared/api';
import { defaultTopicLimits, type TopicLimits } from '../../../shared/limits';
import { isLogLevel, type LogLevel } from './log';
import { isValidAccessToken } from './secrets';

/** Everything the relay can be configured with. */
export interface RelayOptions {
  /** Interface to listen on. Default `0.0.0.0` (the whole LAN). */
  host: string;
  /** TCP port; 0 picks a free one. Default 8000 (as the tutorial). */
  port: number;
  /**
   * Base URL devices should use (e.g. `http://hub.local:8000`). When unset, register
   * answers are built from the address each request arrived on (its Host header).
   */
  publicUrl: string | null;
  /** Largest accepted HTTP request body, in bytes (413 above). Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest accepted WebSocket frame from a device, in bytes (close 1009 above). Default 1 MiB. */
  maxPayloadBytes: number;
  /** How often the hub pings every client; one missed pong terminates it. Default 30 s. 0 disables. */
  heartbeatIntervalMs: number;
  /** What to do with a client whose unsent backlog passes `maxBufferedBytes`. Default `close`. */
  slowConsumerPolicy: SlowConsumerPolicy;
  /** Backlog (bytes queued in the hub for one client) that triggers the slow-consumer policy. Default 1 MiB. */
  maxBufferedBytes: number;
  /** With the `close` policy: how long a closed slow client may keep its backlog before it is cut. Default 2 s. */
  slowConsumerGraceMs: number;
  /** Limits on a client's topic set. */
  topicLimits: TopicLimits;
  /** How long `stop()` waits for sockets to finish their close handshake before cutting them. Default 3 s. */
  shutdownTimeoutMs: number;
  /** Folder of the registration journal; null (the default) keeps registrations in memory only. */
  dataDir: string | null;
  /** fsync every acknowledged registration change (survives power loss, not just a crash). Default false. */
  fsync: boolean;
  /** Remove registrations idle (not connected) this long; 0 (the default) never expires. Needs `dataDir`. */
  expireIdleMs: number;
  /** Structured log level (JSON lines on stderr). Default `silent`. */
  logLevel: LogLevel;
  /**
   * When set, `POST /register`, `DELETE /register/<id>` and `POST /publish` require
   * `Authorization: Bearer <token>` (401 otherwise). Devices' socket URLs need no token.
   * Default null: open, as the tutorial.
   */
  accessToken: string | null;
  /** Browser origins allowed to open device sockets; requests without Origin (devices) always pass. Default null: any. */
  allowedOrigins: readonly string[] | null;
  /** Largest published message, in UTF-8 bytes (413 `message_too_large` above). Default 1 MiB. */
  maxMessageBytes: number;
  /** Most registrations the hub holds (503 `too_many_registrations` above); 0 = no limit. Default 100,000. */
  maxRegistrations: number;
  /** Most live device sockets (upgrade refused with 503 `too_many_connections`); 0 = no limit. Default 20,000. */
  maxConnections: number;
  /** Registrations per second from one IP address (429 + Retry-After above); 0 = no limit. Default 20. */
  registerRatePerSec: number;
  /** How many registrations one IP may make at once before the rate applies. Default 100. */
  registerBurst: number;
  /** Publishes per second from one IP address (429 + Retry-After above); 0 = no limit. Default 1,000. */
  publishRatePerSec: number;
  /** How many publishes one IP may make at once before the rate applies. Default 2,000. */
  publishBurst: number;
  /** PEM certificate file: with `tlsKeyFile`, the hub serves https/wss and register answers `wss://` URLs. */
  tlsCertFile: string | null;
  /** PEM private key file of `tlsCertFile`. */
  tlsKeyFile: string | null;
}

/** Options a running relay can change at its next `start()` (everything but the store and the log). */
export type LiveOptions = Omit<RelayOptions, 'dataDir' | 'fsync' | 'logLevel'>;

const MiB = 1024 * 1024;

/** Defaults, sized for a LAN hub. */
export const defaultRelayOptions: Readonly<RelayOptions> = Object.freeze({
  host: '0.0.0.0',
  port: 8000,
  publicUrl: null,
  maxBodyBytes: MiB,
  maxPayloadBytes: MiB,
  heartbeatIntervalMs: 30_000,
  slowConsumerPolicy: 'close',
  maxBufferedBytes: MiB,
  slowConsumerGraceMs: 2_000,
  topicLimits: defaultTopicLimits,
  shutdownTimeoutMs: 3_000,
  dataDir: null,
  fsync: false,
  expireIdleMs: 0,
  logLevel: 'silent',
  accessToken: null,
  allowedOrigins: null,
  maxMessageBytes: MiB,
  maxRegistrations: 100_000,
  maxConnections: 20_000,
  registerRatePerSec: 20,
  registerBurst: 100,
  publishRatePerSec: 1_000,
  publishBurst: 2_000,
  tlsCertFile: null,
  tlsKeyFile: null,
});

function requireInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`option "${name}" must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/** Applies defaults, then checks every invariant, throwing a TypeError that names the option. */
export function resolveOptions(options: Partial<RelayOptions> = {}): RelayOptions {
  const resolved: RelayOptions = {
    ...defaultRelayOptions,
    ...options,
    topicLimits: { ...defaultRelayOptions.topicLimits, ...options.topicLimits },
  };
  if (typeof resolved.host !== 'string' || resolved.host === '') {
    throw new TypeError('option "host" must be a non-empty string');
  }
  requireInteger('port', resolved.port, 0, 65_535);
  requireInteger('maxBodyBytes', resolved.maxBodyBytes, 1);
  requireInteger('maxPayloadBytes', resolved.maxPayloadBytes, 1);
  requireInteger('heartbeatIntervalMs', resolved.heartbeatIntervalMs, 0);
  requireInteger('maxBufferedBytes', resolved.maxBufferedBytes, 1);
  requireInteger('slowConsumerGraceMs', resolved.slowConsumerGraceMs, 0);
  requireInteger('shutdownTimeoutMs', resolved.shutdownTimeoutMs, 0);
  requireInteger('topicLimits.maxTopics', resolved.topicLimits.maxTopics, 1);
  requireInteger('topicLimits.maxTopicLength', resolved.topicLimits.maxTopicLength, 1);
  requireInteger('expireIdleMs', resolved.expireIdleMs, 0);
  requireInteger('maxMessageBytes', resolved.maxMessageBytes, 1);
  requireInteger('maxRegistrations', resolved.maxRegistrations, 0);
  requireInteger('maxConnections', resolved.maxConnections, 0);
  requireInteger('registerRatePerSec', resolved.registerRatePerSec, 0);
  requireInteger('registerBurst', resolved.registerBurst, 1);
  requireInteger('publishRatePerSec', resolved.publishRatePerSec, 0);
  requireInteger('publishBurst', resolved.publishBurst, 1);
  for (const name of ['tlsCertFile', 'tlsKeyFile'] as const) {
    const value = resolved[name];
    if (value !== null && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`option "${name}" must be a non-empty path or null`);
    }
  }
  if ((resolved.tlsCertFile === null) !== (resolved.tlsKeyFile === null)) {
    throw new TypeError('options "tlsCertFile" and "tlsKeyFile" go together: give both or neither');
  }
  if (resolved.dataDir !== null && (typeof resolved.dataDir !== 'string' || resolved.dataDir === '')) {
    throw new TypeError('option "dataDir" must be a non-empty path or null');
  }
  if (typeof resolved.fsync !== 'boolean') throw new TypeError('option "fsync" must be true or false');
  if (!isLogLevel(resolved.logLevel)) {
    throw new TypeError(`option "logLevel" must be one of trace, debug, info, warn, error, fatal, silent`);
  }
  if (resolved.slowConsumerPolicy !== 'close' && resolved.slowConsumerPolicy !== 'drop') {
    throw new TypeError('option "slowConsumerPolicy" must be "close" or "drop"');
  }
  if (resolved.accessToken !== null && !isValidAccessToken(resolved.accessToken)) {
    throw new TypeError('option "accessToken" must be at least 16 visible ASCII characters without spaces');
  }
  if (resolved.allowedOrigins !== null) resolved.allowedOrigins = resolved.allowedOrigins.map(normalizeOrigin);
  if (resolved.publicUrl !== null) resolved.publicUrl = normalizePublicUrl(resolved.publicUrl);
  return resolved;
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
