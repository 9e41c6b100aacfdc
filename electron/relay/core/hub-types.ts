/**
 * The hub's types: where a publish comes from, its counters, and what a hub is built with.
 */
import type { PublishOrigin, UnregisterReason } from '../../../shared/hub';
import type { Directory } from './cluster';
import type { Connection } from './connection';
import type { Engine } from './engine/types';
import type { KeyStore } from './keys';
import type { Logger } from './log';
import type { RegistrationStore } from './store';
import type { Subscriber } from './subscribers';

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
  /** How many webhooks deep it is (`X-Relay-Hub-Hop` of a receiver's publish; see `core/hops.ts`). */
  hop?: number;
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
