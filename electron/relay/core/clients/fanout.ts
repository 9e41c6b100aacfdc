/**
 * The fan-out fast path. A published message is framed once (an unmasked WebSocket text
 * frame, as a server sends it) and the same bytes are queued for every recipient. Each
 * connection collects the frames of one event-loop turn and the scheduler flushes them all in
 * `setImmediate`, so everything one device gets in a turn leaves in one write.
 */
import type { Socket } from 'node:net';
import { encodeBinaryFrame, envelopeJson, type DeliveryFormat, type Envelope } from '../../../../shared/protocol';
import type { Payload } from '../history/types';

/** Builds one FIN text frame carrying `text` (server frames are never masked, RFC 6455 §5.1). */
export function frameText(text: string): Buffer {
  return frame(text, 0x1);
}

/** Builds one FIN binary frame carrying `bytes`. */
export function frameBinary(bytes: Uint8Array): Buffer {
  return frame(bytes, 0x2);
}

/** The length of the raw frame of `message` (`Delivery.raw()`), without building it. */
export function rawFrameLength(message: Payload): number {
  const length = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
  return length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
}

function frame(payload: string | Uint8Array, opcode: 0x1 | 0x2): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x80 | opcode; // FIN + opcode
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof payload === 'string') frame.write(payload, headerLength, 'utf8');
  else frame.set(payload, headerLength);
  return frame;
}

/**
 * One published message on its way to its recipients: the raw frame (the tutorial's: the text
 * alone) and the envelope frame are each built once, and only if a recipient takes that format.
 */
export class Delivery {
  #raw: Buffer | null = null;
  #envelope: Buffer | null = null;
  /** The MQTT QoS it was published with (0 unless an MQTT client or the operator asked for more). */
  qos: 0 | 1 | 2 = 0;

  constructor(
    readonly topic: string,
    /** Text, or bytes (a binary message). */
    readonly message: Payload,
    readonly userId: number | undefined,
    /** When the hub accepted the publish (ms since the epoch). */
    readonly ts: number,
    /** Its place in the topic's stream. */
    readonly offset: number,
    readonly epoch: string,
    /** Sent as the topic's retained message (on a subscribe), not as a new publish. */
    readonly retained = false,
  ) {}

  /** The frame for a connection in `format`. */
  frame(format: DeliveryFormat): Buffer {
    return format === 'raw' ? this.raw() : this.envelope();
  }

  /** The message alone, as the tutorial delivers it: a text frame, or a binary frame of its bytes. */
  raw(): Buffer {
    const { message } = this;
    return (this.#raw ??= typeof message === 'string' ? frameText(message) : frameBinary(message));
  }

  /**
   * `{"topic", "message", "user_id"?, "ts", "offset", "epoch", "retained"?}` as a text frame; for
   * bytes, one binary frame: that envelope without `message` as its header, then the bytes.
   */
  envelope(): Buffer {
    if (this.#envelope !== null) return this.#envelope;
    const { topic, message, userId, ts, offset, epoch } = this;
    const header: Omit<Envelope, 'message'> =
      userId === undefined ? { topic, ts, offset, epoch } : { topic, user_id: userId, ts, offset, epoch };
    if (this.retained) header.retained = true;
    this.#envelope =
      typeof message === 'string'
        ? frameText(envelopeJson({ ...header, message }))
        : frameBinary(encodeBinaryFrame(header, message));
    return this.#envelope;
  }
}

/** Something with frames queued in this turn. */
export interface Flushable {
  flush(): void;
}

/** Collects connections with queued frames during a turn and flushes them all once, in `setImmediate`. */
export class FlushScheduler {
  #pending: Flushable[] = [];
  #scheduled = false;

  /** `before`: runs first at every flush (the engine's group commit: on disk before on the wire). */
  constructor(private readonly before: () => void = () => {}) {}

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.before();
    const pending = this.#pending;
    this.#pending = [];
    for (const item of pending) item.flush();
  };

  /** Registers an item that queued frames in this turn. */
  enlist(item: Flushable): void {
    this.#pending.push(item);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /** Flushes everything now (used on shutdown). */
  flushNow(): void {
    if (this.#pending.length > 0) this.#flush();
  }
}

/**
 * The raw TCP socket under a `ws` WebSocket. `ws` keeps it in `_socket`; writing whole,
 * pre-built frames to it is safe because the server disables permessage-deflate, so `ws`'s
 * own sender also writes each frame synchronously and frames never interleave.
 */
export function rawSocketOf(ws: object): Socket | null {
  const socket = (ws as { _socket?: Socket | null })._socket;
  return socket ?? null;
}
