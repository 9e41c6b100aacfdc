import type { WebSocket } from 'ws';
import type { Socket } from 'node:net';
import type { DisconnectReason, ErrorCode } from '../../shared/api';
import { parseClientFrame } from '../../shared/parse';
import { errorJson } from './errors';
import { rawSocketOf, type Corkable, type FlushScheduler } from './fanout';
import type { RelayOptions } from './options';
import type { ClientRecord } from './registry';

/** What a connection tells the hub. */
export interface ConnectionHooks {
  onTopics(connection: Connection, topics: string[]): void;
  onSlowConsumer(connection: Connection, bufferedBytes: number): void;
  onClose(connection: Connection, reason: DisconnectReason, code: number): void;
}

/** Per-connection settings taken from the relay options. */
export type ConnectionSettings = Pick<
  RelayOptions,
  'slowConsumerPolicy' | 'maxBufferedBytes' | 'slowConsumerGraceMs' | 'topicLimits'
>;

/**
 * One live device socket: parses its frames, answers the heartbeat, and applies the
 * slow-consumer policy to what the hub sends it.
 */
export class Connection implements Corkable {
  /** Cleared by each heartbeat tick, set again by any pong or frame from the device. */
  isAlive = true;
  readonly connectedAt = Date.now();
  readonly remoteAddress: string | null;
  #corked = false;
  #endReason: DisconnectReason | null = null;
  readonly #socket: Socket;

  constructor(
    readonly ws: WebSocket,
    readonly record: ClientRecord<Connection>,
    private readonly settings: ConnectionSettings,
    private readonly scheduler: FlushScheduler,
    private readonly hooks: ConnectionHooks,
    remoteAddress: string | undefined,
  ) {
    const socket = rawSocketOf(ws);
    // Fails loudly (and in the tests) if a future `ws` stops exposing its socket.
    if (socket === null) throw new Error('ws WebSocket has no underlying socket');
    this.#socket = socket;
    this.remoteAddress = remoteAddress ?? null;
    ws.on('pong', () => {
      this.isAlive = true;
    });
    ws.on('message', (data, isBinary) => {
      this.isAlive = true;
      if (isBinary) {
        this.sendError('binary_not_supported', 'send text frames: "ping" or {"topics": [...]}');
        return;
      }
      // binaryType is 'nodebuffer': a text message (even fragmented) arrives as one Buffer.
      this.#onText((data as Buffer).toString('utf8'));
    });
    ws.on('error', () => {
      // ws closes the socket itself (e.g. 1009 too big, 1007 bad UTF-8); 'close' follows.
      this.#endReason ??= 'error';
    });
    ws.on('close', (code) => {
      this.#corked = false;
      this.hooks.onClose(this, this.#endReason ?? 'client_closed', code);
    });
  }

  /** Bytes queued in the hub for this device and not yet taken by the kernel. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** True while frames can still be written. */
  get isOpen(): boolean {
    return this.#endReason === null && this.ws.readyState === 1;
  }

  /**
   * Writes a pre-built frame. Returns true if it was queued for the device, false if the
   * connection is closing or the slow-consumer policy dropped it.
   */
  deliver(frame: Buffer): boolean {
    const socket = this.#socket;
    if (!this.isOpen || socket.destroyed) return false;
    if (!this.#corked) {
      // What is still queued from earlier turns is what the device has not read yet.
      const backlog = socket.writableLength;
      if (backlog > this.settings.maxBufferedBytes && this.#overLimit(backlog)) return false;
      socket.cork();
      this.#corked = true;
      this.scheduler.enlist(this);
    }
    socket.write(frame);
    this.record.counters.messagesSent++;
    this.record.counters.bytesSent += frame.length;
    return true;
  }

  /** Uncorks the socket (called by the scheduler at the end of the turn). */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#socket.uncork();
  }

  /** Sends a JSON error frame; the connection stays open. */
  sendError(code: ErrorCode, message: string): void {
    if (this.isOpen) this.ws.send(errorJson(code, message));
  }

  /** Closes with a code and remembers why, for the `disconnected` event. */
  close(code: number, reason: DisconnectReason): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    this.uncork();
    this.ws.close(code, reason);
  }

  /** Cuts the socket at once (no close handshake). */
  terminate(reason: DisconnectReason): void {
    this.#endReason ??= reason;
    this.ws.terminate();
  }

  /** Applies the policy to a backlog over the limit; returns true when the frame must not be written. */
  #overLimit(backlog: number): boolean {
    this.hooks.onSlowConsumer(this, backlog);
    if (this.settings.slowConsumerPolicy === 'drop') {
      this.record.counters.dropped++;
      return true;
    }
    this.close(4002, 'slow_consumer');
    // The close frame sits behind the backlog the device is not reading: cut it after a grace.
    setTimeout(() => this.ws.terminate(), this.settings.slowConsumerGraceMs).unref();
    return true;
  }

  #onText(text: string): void {
    const frame = parseClientFrame(text, this.settings.topicLimits);
    if (!frame.ok) {
      this.sendError(frame.code, frame.message);
      return;
    }
    if (frame.value.kind === 'topics') this.hooks.onTopics(this, frame.value.topics);
    // "ping" needs no answer (the tutorial ignores it); it has refreshed isAlive above.
  }
}
