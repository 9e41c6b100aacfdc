/**
 * Where a cluster lives in Redis: the connection options of a broker URL, and the names of its
 * keys and channels. Pub/sub channels are not per database in Redis, so every name carries the
 * database number: two clusters on one Redis server only need two databases (`/0`, `/1`).
 */
import type { RedisOptions } from 'ioredis';

/** A broker URL made into ioredis options (the URL was checked by the relay's options). */
export interface BrokerTarget {
  options: RedisOptions;
  /** The URL as it may be shown and logged: without its password. */
  display: string;
  db: number;
}

/** Commands that get no answer within this long fail (and the hub goes degraded), in ms. */
export const commandTimeoutMs = 2_000;

/** Reads `redis://[user[:password]@]host[:port][/db]` (`rediss://`: TLS, checked against the system's CAs). */
export function brokerTarget(url: string): BrokerTarget {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    // Nothing waits for Redis: a command while it is unreachable fails at once (the hub serves
    // its own devices meanwhile), and nothing is sent again after a reconnect by itself.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 5_000,
    // Retry every 100 ms to 1 s: a hub rejoins within a second of Redis coming back.
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    lazyConnect: true,
  };
  if (parsed.username !== '') options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') options.password = decodeURIComponent(parsed.password);
  // TLS: the certificate is checked against the host name (or IP) of the URL, with the system's
  // CAs plus NODE_EXTRA_CA_CERTS (a private CA for the Redis server goes there).
  if (parsed.protocol === 'rediss:') options.tls = {};
  const display = `${parsed.protocol}//${parsed.username === '' ? '' : `${parsed.username}@`}${parsed.host}/${db}`;
  return { options, display, db };
}

/** The names of one cluster's keys and channels. */
export function keysOf(db: number) {
  const p = `relay-hub:${db}:`;
  return {
    /** A random id of the data set: a new one means Redis lost its data (or is another Redis). */
    generation: `${p}generation`,
    /** Registrations: id → the whole entry as JSON. */
    registrations: `${p}registrations`,
    /** Device keys: id → the key's record as JSON (the secret's hash, never the secret), written once. */
    deviceKeys: `${p}device-keys`,
    /** Revoked device keys: id → when (ms since the epoch), written once. */
    revokedKeys: `${p}device-keys:revoked`,
    /** Where sockets are: id → `<hub id> <nonce>`. */
    sockets: `${p}sockets`,
    /** Member ids (each with a `member:<id>` key that expires unless its hub renews it). */
    members: `${p}members`,
    member: (id: string) => `${p}member:${id}`,
    /** Topics with a stream. */
    topics: `${p}topics`,
    /** A topic's epoch (`e`) and last offset (`s`). */
    meta: (topic: string) => `${p}meta:${topic}`,
    /** A topic's history: a stream whose entry ids are `0-<offset>`. */
    stream: (topic: string) => `${p}stream:${topic}`,
    retained: (topic: string) => `${p}retained:${topic}`,
    /** Publications and control messages, in one order for every hub. */
    bus: `${p}bus`,
    /** Delivery counts for the hub that published. */
    receipts: (hub: string) => `${p}receipts:${hub}`,
  };
}

/** The keys and channels of one cluster. */
export type ClusterKeys = ReturnType<typeof keysOf>;
