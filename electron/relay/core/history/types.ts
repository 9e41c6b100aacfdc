/**
 * The engine: where publications get their place in their topic's stream (offset under an epoch),
 * where history and retained messages live, and how a publication reaches the devices of every
 * hub. The hub talks to this interface only; the memory engine (no data dir), the disk engine and
 * the Redis engine of a cluster (`--broker`) implement it.
 */
import type { ClusterReceipt, StreamPosition } from '../../../../shared/api';

/** A message: text, or bytes (a binary message, kept and delivered as the exact bytes). */
export type Payload = string | Buffer;

/** The MQTT QoS a publish was made with: MQTT subscribers get it at most at this QoS. */
export type Qos = 0 | 1 | 2;

/** One publication as the engine keeps it. */
export interface Publication {
  readonly topic: string;
  readonly offset: number;
  /** When the hub accepted it (ms since the epoch). */
  readonly ts: number;
  readonly message: Payload;
  /** Set when it was published for one user only. */
  readonly userId: number | undefined;
  /** Published with `retain`. */
  readonly retain: boolean;
  /**
   * The MQTT QoS it was published with (0 from HTTP and WebSocket devices): MQTT subscribers get it
   * at most at this QoS, live and as the topic's retained message.
   */
  readonly qos: Qos;
}

/** The history's bounds; a 0 means no such bound, except `perTopic` 0, which turns history off. */
export interface HistoryLimits {
  /** Messages kept per topic. */
  perTopic: number;
  /** Oldest message kept, in ms. */
  ttlMs: number;
  /** Bytes (UTF-8 messages and topics) kept across every topic. */
  maxBytes: number;
}

/** What a recovery found: the missed publications (for this user), or that it cannot say. */
export interface Recovery {
  recovered: boolean;
  /** Every publication after the asked position, oldest first (empty when not recovered). */
  publications: Publication[];
  /** The topic's position now. */
  position: StreamPosition;
}

/** A topic's history as the operator sees it. */
export interface TopicHistory {
  topic: string;
  epoch: string;
  lastOffset: number;
  /** Messages in the history. */
  size: number;
  bytes: number;
  retained: Publication | null;
}

/**
 * The hub's fan-out, which the engine calls for every publication this hub's devices must get, in
 * per-topic publish order: `source` is what `publish` was given on this hub (undefined for a
 * publication made on another hub). Returns how many sockets it was written to.
 */
export type Deliver = (publication: Publication, epoch: string, source: unknown) => number;

/** What a publish gives back. */
export interface Published {
  publication: Publication;
  epoch: string;
  /** Sockets written to: on this hub, or in a cluster on every hub `cluster` says it counted. */
  delivered: number;
  /** In a cluster only: which hubs `delivered` counts. */
  cluster?: ClusterReceipt;
}

export interface Engine {
  /**
   * Writes what this turn published and answers its receipts (the disk engine's group commit): the
   * hub runs it before it writes a turn's frames to the devices, so no device has a message that
   * is not yet on disk. Never throws: a write the disk refuses fails the receipts that waited for
   * it. A no-op elsewhere.
   */
  commit?(): void;
  /** Sets the hub's fan-out (once, before anything is published). */
  bind(deliver: Deliver): void;
  /**
   * Gives the publication the next offset of its topic, keeps it in the history (and as the topic's
   * retained message, or clears that when it is empty; durable as configured), and hands it to
   * `deliver` on every hub in per-topic order. The memory and disk engines do all of it before
   * returning; a cluster engine resolves once the hubs have counted their deliveries. `qos`: the
   * MQTT QoS it was published with (default 0), kept with it (in the history, with the retained
   * message, on disk and in Redis) and carried to the other hubs.
   */
  publish(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    source: unknown,
    qos?: Qos,
  ): Published | Promise<Published>;
  /**
   * Runs `run` once this hub holds every publication up to the positions a device asks to recover
   * from: at once on a single hub; a cluster hub may lag another by a moment, and waits (briefly).
   * Runs are kept in order.
   */
  whenCurrent(since: Readonly<Record<string, StreamPosition>> | undefined, run: () => void): void;
  /** The publications after `since` for `userId` (or for everyone), when the history covers them all. */
  recover(topic: string, since: StreamPosition, userId: number): Recovery;
  /** Up to `limit` publications after offset `since` (every user's), oldest first, and whether none is missing. */
  history(
    topic: string,
    since: number,
    limit: number,
  ): { position: StreamPosition | null; publications: Publication[]; complete: boolean };
  /** The topic's retained message, if any. */
  retained(topic: string): Publication | null;
  /** Clears the topic's retained message; false when it had none. */
  clearRetained(topic: string): boolean;
  /** Empties the topic's history (offsets go on; a device asking for older ones is told it was not recovered). */
  clearHistory(topic: string): number;
  /** The topic's position, or null for a topic never published to. */
  position(topic: string): StreamPosition | null;
  /** Every topic with a stream. */
  topics(): TopicHistory[];
  /** Messages and bytes in the history, across topics. */
  totals(): { messages: number; bytes: number; retained: number };
  /** The log on disk (the disk engine), or null: its size, segments and fsyncs so far. */
  storage(): { bytes: number; segments: number; fsyncs: number } | null;
  /** Applies new limits (evicting at once what they no longer allow). */
  setLimits(limits: HistoryLimits): void;
  /** Starts background retention (and compaction; a cluster engine joins its cluster). */
  start(): void | Promise<void>;
  /** Stops background work and closes files (and connections). */
  close(): void | Promise<void>;
}
