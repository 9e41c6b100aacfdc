/**
 * Publishes waiting for the connection: bounded by count and bytes; when full, the oldest is
 * dropped (its promise rejects with `queue_full` and the client emits `dropped`).
 */
import { encodeBinaryFrame } from '../shared/protocol';

/** One publish waiting to be sent, or sent and waiting for its ack. */
export interface Pending {
  id: number;
  topic: string;
  message: string | Uint8Array;
  /** The frame: JSON text, or a binary frame for bytes. */
  frame: string | Uint8Array;
  bytes: number;
  resolve: (receipt: { delivered: number }) => void;
  reject: (error: Error) => void;
}

/** Outbox limits. */
export interface OutboxOptions {
  /** Most publishes kept while offline (default 1,000). */
  maxMessages?: number;
  /** Most bytes (UTF-8 frames) kept while offline (default 1 MiB). */
  maxBytes?: number;
}

export class Outbox {
  readonly #items: Pending[] = [];
  #bytes = 0;
  readonly #maxMessages: number;
  readonly #maxBytes: number;

  constructor(options: OutboxOptions = {}) {
    this.#maxMessages = Math.max(1, options.maxMessages ?? 1_000);
    this.#maxBytes = Math.max(1, options.maxBytes ?? 1024 * 1024);
  }

  /** Publishes waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds a publish at the end; returns the ones dropped (oldest first) to make room. */
  push(item: Pending): Pending[] {
    const dropped: Pending[] = [];
    this.#items.push(item);
    this.#bytes += item.bytes;
    while (this.#items.length > 1 && (this.#items.length > this.#maxMessages || this.#bytes > this.#maxBytes)) {
      const oldest = this.#items.shift() as Pending;
      this.#bytes -= oldest.bytes;
      dropped.push(oldest);
    }
    return dropped;
  }

  /** Takes every waiting publish, in order. */
  drain(): Pending[] {
    const items = this.#items.splice(0);
    this.#bytes = 0;
    return items;
  }
}

/** The frame of a publish: JSON text for a text message; for bytes, a binary frame with the same header. */
export function publishFrame(
  topic: string,
  message: string | Uint8Array,
  id: number,
  options: { userId?: number; echo?: boolean },
): string | Uint8Array {
  const publish: { topic: string; user_id?: number } = { topic };
  if (options.userId !== undefined) publish.user_id = options.userId;
  const echo = options.echo === true ? { echo: true } : {};
  if (typeof message === 'string') return JSON.stringify({ publish: { ...publish, message }, id, ...echo });
  return encodeBinaryFrame({ publish, id, ...echo }, message);
}
