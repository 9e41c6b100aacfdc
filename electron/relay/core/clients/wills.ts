/**
 * Last wills, one implementation for every door (MQTT's idea): a client — a WebSocket device's
 * socket, an MQTT connection — leaves a publish with the hub, and the hub makes it for the client
 * when its connection ends in any way but the client's own goodbye. Its door hands the will over
 * (a will frame, the CONNECT), says how its client publishes, and says how the connection ended;
 * the checks, the decision, the counts and the log are here.
 */
import type { DisconnectReason, ErrorCode, PublishReceipt } from '../../../../shared/api';
import type { Payload, Qos } from '../history/types';
import type { Logger } from '../log';

/** A will, whatever door its client came through. */
export interface LastWill {
  readonly topic: string;
  readonly message: Payload;
  /** Kept as the topic's retained message when published. */
  readonly retain: boolean;
  /** The MQTT QoS it is published with: MQTT subscribers get it at most at this (0 for a WebSocket device's). */
  readonly qos: Qos;
  /** Only this user's clients get it (a WebSocket device's `user_id`). */
  readonly userId?: number;
}

/** Why a will is refused: the code and message of the error its door reports. */
export interface WillRefusal {
  code: ErrorCode;
  message: string;
}

/** The client that leaves a will, as its door describes it. */
export interface WillOwner {
  /** Its client id, for the log (a registration's id, `mqtt:<client id>`). */
  readonly id: string;
  readonly userId: number | null;
  /** Why it may not publish `will` (its key's scope, its door's rules), or null: asked when it is set and when it fires. */
  check(will: LastWill): WillRefusal | null;
  /**
   * Publishes `will` exactly as one of its own publishes (its origin, its counters, the hub's one
   * publish: history, retained message, every door's subscribers), or says why its path refused it.
   */
  publish(will: LastWill): WillRefusal | PublishReceipt | Promise<PublishReceipt>;
}

/** How a connection ended, in words every door can say. */
export interface ConnectionEnd {
  readonly reason: DisconnectReason;
  /** The client's own goodbye: a WebSocket close 1000 (or a close frame without a code), an MQTT DISCONNECT. */
  readonly goodbye?: boolean;
  /** For `replaced`: the newer connection starts afresh (an MQTT clean session) instead of resuming this one's session. */
  readonly fresh?: boolean;
}

/**
 * True when a connection that ended so leaves its will behind: a crash or a cut network (no
 * goodbye), a dead heartbeat or keep-alive, a slow consumer, a protocol error, and a takeover by a
 * newer connection that does not resume its session (as mosquitto 2 does). The client's goodbye
 * and the hub's own ends (unregistered, shutdown, a revoked key, a takeover that resumes the
 * session: a device's new socket on its registration) do not.
 */
export function willFires({ reason, goodbye = false, fresh = false }: ConnectionEnd): boolean {
  if (goodbye) return false;
  switch (reason) {
    case 'client_closed':
    case 'error':
    case 'heartbeat_timeout':
    case 'slow_consumer':
      return true;
    case 'replaced':
      return fresh;
    case 'unregistered':
    case 'shutdown':
    case 'revoked':
      return false;
  }
}

/** What the wills need of the hub. */
export interface WillsHost {
  readonly log: Logger;
  readonly options: { readonly maxMessageBytes: number };
  noteRejected(code: string): void;
  messageTooLarge(message: Payload): boolean;
}

/** The wills the hub holds, one per live connection that left one, whatever its door. */
export class Wills {
  readonly #held = new Map<object, { will: LastWill; owner: WillOwner }>();
  /** Wills published since the hub started (the metrics). */
  published = 0;

  constructor(private readonly host: WillsHost) {}

  /** Wills held now. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * Sets the will of `connection` (any object that stands for one: a socket, an MQTT client), or
   * clears it (null). A will its owner may not publish is refused (and counted by its code); the
   * previous one stays.
   */
  set(connection: object, owner: WillOwner, will: LastWill | null): WillRefusal | null {
    if (will === null) {
      this.#held.delete(connection);
      return null;
    }
    const refused = this.#refusal(owner, will);
    if (refused === null) this.#held.set(connection, { will, owner });
    return refused;
  }

  /** The will `connection` holds, or null. */
  of(connection: object): LastWill | null {
    return this.#held.get(connection)?.will ?? null;
  }

  /**
   * `connection` ended: its will, if it left one, is published for its client when
   * `willFires(end)` and its owner may still publish it (checked again: counted by its code when
   * not); forgotten either way.
   */
  ended(connection: object, end: ConnectionEnd): void {
    const held = this.#held.get(connection);
    if (held === undefined) return;
    this.#held.delete(connection);
    if (!willFires(end)) return;
    const { will, owner } = held;
    if (this.#refusal(owner, will) !== null) return;
    const line = { client: owner.id, user: owner.userId, topic: will.topic, reason: end.reason };
    let outcome: ReturnType<WillOwner['publish']>;
    try {
      outcome = owner.publish(will);
    } catch (error) {
      this.host.log.warn({ ...line, err: (error as Error).message }, 'last will not published');
      return;
    }
    if (outcome instanceof Promise) outcome.catch(() => undefined);
    else if ('code' in outcome) return;
    this.published++;
    this.host.log.info(line, 'last will published');
  }

  /** Why `owner` may not leave (or publish now) `will`, counted by its code; null when it may. */
  #refusal(owner: WillOwner, will: LastWill): WillRefusal | null {
    const { maxMessageBytes } = this.host.options;
    const refused =
      owner.check(will) ??
      (this.host.messageTooLarge(will.message)
        ? { code: 'message_too_large' as const, message: `message is larger than ${maxMessageBytes} bytes` }
        : null);
    if (refused === null) return null;
    this.host.noteRejected(refused.code);
    this.host.log.info({ client: owner.id, topic: will.topic, code: refused.code }, 'last will refused');
    return refused;
  }
}
