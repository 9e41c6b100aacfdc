/**
 * The hub's types: where a publish comes from, its counters, and what a hub is built with.
 */
import type { PublishOrigin, UnregisterReason } from '../../../shared/hub';
import type { Directory } from './clients/cluster';
import type { Connection } from './clients/connection';
import type { Engine, Qos } from './history/types';
import type { KeyStore } from './access/keys';
import type { Logger } from './log';
import type { RegistrationStore } from './storage/store';
import type { Subscriber } from './clients/subscribers';

/**
 * Where a publish comes from: the HTTP route, the GUI, a device's socket or a door's subscriber
 * (either skipped unless `echo`).
 */
export interface PublishSource {
  origin: PublishOrigin;
  from?: Connection;
  /** A door's client (an MQTT session) that published it. */
  subscriber?: Subscriber;
  echo?: boolean;
  /** The MQTT QoS it was published with (default 0): MQTT subscribers get at most this. */
  qos?: Qos;
  /** How many webhooks deep it is (`X-Relay-Hub-Hop` of a receiver's publish; see `core/hops.ts`). */
  hop?: number;
}

/** The MQTT door's counts, read by the metrics (the door keeps them up to date). */
export interface MqttCounters {
  /** Live MQTT connections (TCP, TLS and WebSocket). */
  connections: number;
  /** Persistent sessions (clean session 0) kept, connected or not. */
  sessions: number;
  /** Messages not delivered to an MQTT client: a slow consumer's, or a full session queue's oldest. */
  dropped: number;
  /** Packets received, by type (`publish`, `subscribe`, …). */
  readonly packetsIn: Map<string, number>;
  /** Packets sent, by type. */
  readonly packetsOut: Map<string, number>;
}

/** Visits one registration's live counters (no object is built per client). */
export type CounterVisitor = (
  id: string,
  messagesSent: number,
  bytesSent: number,
  bufferedBytes: number,
  dropped: number,
) => void;

/** Counters that outlive individual clients. */
export interface Totals {
  published: number;
  delivered: number;
  droppedMessages: number;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
}

/** Counters only the metrics read (not part of the GUI's stats). */
export interface HubCounters {
  /** Bytes of published frames (each message counted once). */
  publishedBytes: number;
  /** Bytes queued to devices (a frame counted once per recipient). */
  deliveredBytes: number;
  /** Requests refused with a 4xx (or 503 at a capacity limit), by error code. */
  readonly rejected: Map<string, number>;
  /** Device sockets ended, by `<reason> <close code>` (e.g. `error 1009`). */
  readonly disconnects: Map<string, number>;
  /** TLS connections that failed before a request (bad handshake, untrusted certificate, timeout). */
  tlsHandshakeFailures: number;
  /** When the served TLS certificate expires (ms since the epoch; a gauge), or null without TLS. */
  tlsNotAfter: number | null;
  /** Registrations removed by expiry or with their key, by reason. */
  readonly expired: Map<Exclude<UnregisterReason, 'request'>, number>;
  /** The MQTT door's counts. */
  readonly mqtt: MqttCounters;
}

/** What a hub can have besides its options. */
export interface HubExtras {
  /** Journal of registrations (a data dir); without it the hub keeps them in memory only. */
  store?: RegistrationStore | null;
  /** Structured log (silent by default). */
  log?: Logger;
  /** The engine (default: in memory, with the options' history limits). */
  engine?: Engine;
  /** The device keys (default: none yet, in memory). */
  keys?: KeyStore;
  /** In a cluster: where registrations and sockets are shared with the other hubs. */
  directory?: Directory | null;
}

/** Counters at zero. */
export function newCounters(): HubCounters {
  return {
    publishedBytes: 0,
    deliveredBytes: 0,
    rejected: new Map(),
    disconnects: new Map(),
    tlsHandshakeFailures: 0,
    tlsNotAfter: null,
    expired: new Map(),
    mqtt: { connections: 0, sessions: 0, dropped: 0, packetsIn: new Map(), packetsOut: new Map() },
  };
}
