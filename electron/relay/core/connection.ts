import type { WebSocket } from 'ws';
import type { Socket } from 'node:net';
import type { DisconnectReason, ErrorCode } from '../../../shared/api';
import { parseClientFrame } from '../../../shared/parse';
import { errorJson } from './errors';
import { rawSocketOf, type Flushable, type FlushScheduler } from './fanout';
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
  'slowConsumerPolicy' | 'maxBufferedBytes' | 'slowConsumerGraceMs' | 'maxTopics' | 'maxTopicLength'
>;

/** Frames up to this size are copied into one buffer per flush; larger ones are written as they are. */
const coalesceLimit = 16 * 1024;

const kConnection = Symbol('relay-hub.connection');
type TaggedSocket = WebSocket & { [kConnection]: Connection };

const connectionOf = (ws: WebSocket): Connection => (ws as TaggedSocket)[kConnection];

// One set of handlers for every socket (`this` is the WebSocket): no closures per connection.
function onPong(this: WebSocket): void {
  connectionOf(this).isAlive = true;
}
function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const connection = connectionOf(this);
  connection.isAlive = true;
  if (isBinary) connection.sendError('binary_not_supported', 'send text frames: "ping" or {"topics": [...]}');
  // binaryType is 'nodebuffer': a text message (even fragmented) arrives as one Buffer.
  else connection.receive(data.toString('utf8'));
}
function onError(this: WebSocket): void {
  // ws closes the socket itself (e.g. 1009 too big, 1007 bad UTF-8); 'close' follows.
  connectionOf(this).noteEnd('error');
}
function onClose(this: WebSocket, code: number): void {
  connectionOf(this).closed(code);
}

/**
 * One live device socket: parses its frames, answers the heartbeat, and applies the
 * slow-consumer policy to what the hub sends it. Frames published in one event-loop turn are
 * kept in `#pending` and leave in one write when the scheduler flushes.
 */
export class Connection implements Flushable {
  /** Cleared by each heartbeat tick, set again by any pong or frame from the device. */
  isAlive = true;
  readonly connectedAt = Date.now();
  readonly remoteAddress: string | null;
  #pending: Buffer[] | null = null;
  #pendingBytes = 0;
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
    (ws as TaggedSocket)[kConnection] = this;
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    ws.on('error', onError);
    ws.on('close', onClose);
  }

  /** Bytes queued in the hub for this device: not yet taken by the kernel, or not yet flushed. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount + this.#pendingBytes;
  }

  /** True while frames can still be written. */
  get isOpen(): boolean {
    return this.#endReason === null && this.ws.readyState === 1;
  }

  /**
   * Queues a pre-built frame for this turn's flush. Returns true if it was queued for the
   * device, false if the connection is closing or the slow-consumer policy refused it.
   */
  deliver(frame: Buffer): boolean {
    if (this.#endReason !== null || this.ws.readyState !== 1) return false;
    const pending = this.#pending;
    if (pending === null) {
      // What is still queued from earlier turns is what the device has not read yet.
      const backlog = this.#socket.writableLength;
      if (backlog > this.settings.maxBufferedBytes && this.#overLimit(backlog)) return false;
      this.#pending = [frame];
      this.scheduler.enlist(this);
    } else {
      pending.push(frame);
    }
    this.#pendingBytes += frame.length;
    this.record.messagesSent++;
    this.record.bytesSent += frame.length;
    return true;
  }

  /** Writes this turn's frames: small ones copied into one buffer, so one syscall carries them all. */
  flush(): void {
    const pending = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = null;
    this.#pendingBytes = 0;
    const socket = this.#socket;
    if (pending === null || socket.destroyed) return;
    if (pending.length === 1) socket.write(pending[0] as Buffer);
    else if (bytes <= coalesceLimit * pending.length && bytes <= 1024 * 1024)
      socket.write(Buffer.concat(pending, bytes));
    else {
      socket.cork();
      for (const frame of pending) socket.write(frame);
      socket.uncork();
    }
  }

  /** Sends a JSON error frame; the connection stays open. */
  sendError(code: ErrorCode, message: string): void {
    if (this.isOpen) this.ws.send(errorJson(code, message));
  }

  /** Closes with a code and remembers why, for the `disconnected` event. Queued frames go first. */
  close(code: number, reason: DisconnectReason): void {
    if (this.#endReason !== null) return;
    this.flush();
    this.#endReason = reason;
    this.ws.close(code, reason);
  }

  /** Cuts the socket at once (no close handshake). */
  terminate(reason: DisconnectReason): void {
    this.noteEnd(reason);
    this.#pending = null;
    this.#pendingBytes = 0;
    this.ws.terminate();
  }

  /** Remembers why the connection ends, unless a reason is already known. */
  noteEnd(reason: DisconnectReason): void {
    this.#endReason ??= reason;
  }

  /** Handles one text frame from the device. */
  receive(text: string): void {
    const frame = parseClientFrame(text, this.settings);
    if (!frame.ok) {
      this.sendError(frame.code, frame.message);
      return;
    }
    if (frame.value.kind === 'topics') this.hooks.onTopics(this, frame.value.topics);
    // "ping" needs no answer (the tutorial ignores it); it has refreshed isAlive already.
  }

  /** Called once when the socket has closed. */
  closed(code: number): void {
    this.#pending = null;
    this.#pendingBytes = 0;
    this.hooks.onClose(this, this.#endReason ?? 'client_closed', code);
  }

  /** Applies the policy to a backlog over the limit; returns true when the frame must not be written. */
  #overLimit(backlog: number): boolean {
    this.hooks.onSlowConsumer(this, backlog);
    if (this.settings.slowConsumerPolicy === 'drop') {
      this.record.dropped++;
      return true;
    }
    this.close(4002, 'slow_consumer');
    // The close frame sits behind the backlog the device is not reading: cut it after a grace.
    setTimeout(() => this.ws.terminate(), this.settings.slowConsumerGraceMs).unref();
    return true;
  }
}
