import type { WebSocket } from 'ws';
import type { Socket } from 'node:net';
import type {
  DisconnectReason,
  ErrorCode,
  PublishReceipt,
  PublishRequest,
  StreamPosition,
} from '../../../../shared/api';
import {
  ackJson,
  errorFrameJson,
  parseBinaryClientFrame,
  parseClientFrame,
  type DeliveryFormat,
  type FrameId,
} from '../../../../shared/protocol';
import { fullBucket, takeToken, type Bucket } from './bucket';
import type { Payload } from '../history/types';
import { frameText, rawSocketOf, type Delivery, type Flushable, type FlushScheduler } from './fanout';
import type { RelayOptions } from '../options';
import type { ClientRecord } from './registry';

/** What a connection tells the hub. */
export interface ConnectionHooks {
  /** A new topic set; `since` (envelope connections only) asks, per topic, for what was missed. */
  onTopics(
    connection: Connection,
    topics: string[],
    since: Record<string, StreamPosition> | undefined,
    filters?: string[],
  ): void;
  /**
   * A publish over the socket, already parsed and allowed by the rate: delivers it (not back to the
   * sender unless `echo`) and returns the receipt, or an error code when a hub limit refuses it.
   */
  onPublish(
    connection: Connection,
    request: DevicePublish,
    echo: boolean,
  ): PublishReceipt | Promise<PublishReceipt> | { code: ErrorCode; message: string };
  /** A will frame: sets (or clears, null) the device's last will; an error code when it may not have it. */
  onWill(connection: Connection, will: DevicePublish | null): { code: ErrorCode; message: string } | null;
  onSlowConsumer(connection: Connection, bufferedBytes: number): void;
  onClose(connection: Connection, reason: DisconnectReason, code: number): void;
}

/** A publish a device sent: as `POST /publish` takes it, with bytes for a binary message. */
export type DevicePublish = Omit<PublishRequest, 'message'> & { message: Payload };

/** Per-connection settings taken from the relay options (read at each use: settings may change). */
export type ConnectionSettings = Pick<
  RelayOptions,
  | 'slowConsumerPolicy'
  | 'maxBufferedBytes'
  | 'slowConsumerGraceMs'
  | 'maxTopics'
  | 'maxTopicLength'
  | 'devicePublish'
  | 'devicePublishRatePerSec'
  | 'devicePublishBurst'
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
  // binaryType is 'nodebuffer': a message (even fragmented) arrives as one Buffer.
  if (isBinary) connection.receiveBinary(data);
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
 * slow-consumer policy to what the hub sends it. Deliveries of one event-loop turn are kept in
 * `#pending` and answers (acks, errors, pongs) wait in the corked socket, in order; all leave in one
 * write when the scheduler flushes.
 */
export class Connection implements Flushable {
  /** Cleared by each heartbeat tick, set again by any pong or frame from the device. */
  isAlive = true;
  readonly connectedAt = Date.now();
  readonly remoteAddress: string | null;
  /** How deliveries reach this device: raw text (the tutorial's) or envelopes. */
  format: DeliveryFormat;
  /** Join/leave events of the other clients of its topics (`"presence": true`, envelopes only). */
  presence = false;
  #pending: Buffer[] | null = null;
  #pendingBytes = 0;
  /** Answers were written to the corked socket in this turn (it is uncorked at the flush). */
  #corked = false;
  /** On the scheduler's list for this turn's flush. */
  #enlisted = false;
  /** The backlog was checked against the slow-consumer limit in this turn. */
  #checked = false;
  #endReason: DisconnectReason | null = null;
  #publishBucket: Bucket | null = null;
  /** Deliveries held until the first topics frame (`?wait=subscribe`), or null once live. */
  #held: Delivery[] | null = null;
  #heldBytes = 0;
  readonly #socket: Socket;

  constructor(
    readonly ws: WebSocket,
    readonly record: ClientRecord<Connection>,
    private readonly settings: ConnectionSettings,
    private readonly scheduler: FlushScheduler,
    private readonly hooks: ConnectionHooks,
    remoteAddress: string | undefined,
    format: DeliveryFormat = 'raw',
    /** `?wait=subscribe`: hold deliveries until the device's first topics frame (a seamless recovery). */
    waitForSubscribe = false,
  ) {
    const socket = rawSocketOf(ws);
    // Fails loudly (and in the tests) if a future `ws` stops exposing its socket.
    if (socket === null) throw new Error('ws WebSocket has no underlying socket');
    this.#socket = socket;
    this.remoteAddress = remoteAddress ?? null;
    this.format = format;
    if (waitForSubscribe) this.#held = [];
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
   * Queues a message for this turn's flush, in this connection's format. Returns true if it was
   * queued for the device, false if the connection is closing or the slow-consumer policy refused it.
   */
  deliver(delivery: Delivery): boolean {
    if (!this.isOpen) return false;
    if (this.#held !== null) return this.#hold(delivery);
    if (!this.#checked) {
      // What is still queued from earlier turns is what the device has not read yet.
      const backlog = this.#socket.writableLength;
      if (backlog > this.settings.maxBufferedBytes && this.#overLimit(backlog)) return false;
      this.#checked = true;
    }
    const frame = delivery.frame(this.format);
    this.#queue(frame);
    this.record.messagesSent++;
    this.record.bytesSent += frame.length;
    return true;
  }

  /**
   * Ends the wait for the first topics frame: returns what was held (in order), and delivers live
   * from now on. Empty for a connection that did not wait.
   */
  takeHeld(): Delivery[] {
    const held = this.#held ?? [];
    this.#held = null;
    this.#heldBytes = 0;
    return held;
  }

  /** Holds a delivery until the first topics frame; a device that keeps the hub waiting too long is a slow consumer. */
  #hold(delivery: Delivery): boolean {
    const held = this.#held as Delivery[];
    this.#heldBytes += delivery.frame(this.format).length;
    if (this.#heldBytes > this.settings.maxBufferedBytes && this.#overLimit(this.#heldBytes)) {
      this.#heldBytes -= delivery.frame(this.format).length;
      return false;
    }
    held.push(delivery);
    return true;
  }

  /** Writes this turn's frames: small ones copied into one buffer, so one syscall carries them all. */
  flush(): void {
    const pending = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = null;
    this.#pendingBytes = 0;
    this.#checked = false;
    this.#enlisted = false;
    const socket = this.#socket;
    if (this.#corked) {
      this.#corked = false;
      // Corked answers and this turn's deliveries leave in one write.
      if (pending !== null && !socket.destroyed) this.#write(socket, pending, bytes);
      socket.uncork();
      return;
    }
    if (pending === null || socket.destroyed) return;
    this.#write(socket, pending, bytes);
  }

  #write(socket: Socket, pending: Buffer[], bytes: number): void {
    if (pending.length === 1) socket.write(pending[0] as Buffer);
    else if (bytes <= coalesceLimit * pending.length && bytes <= 1024 * 1024)
      socket.write(Buffer.concat(pending, bytes));
    else {
      socket.cork();
      for (const frame of pending) socket.write(frame);
      socket.uncork();
    }
  }

  /** Sends a JSON error frame (with the id of the frame it answers); the connection stays open. */
  sendError(code: ErrorCode, message: string, id?: FrameId): void {
    this.answer(errorFrameJson(code, message, id));
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
    this.#corked = false;
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
      this.sendError(frame.code, frame.message, frame.id);
      return;
    }
    const value = frame.value;
    switch (value.kind) {
      case 'ping':
        return; // the tutorial's keep-alive needs no answer; it has refreshed isAlive already
      case 'app-ping':
        this.answer(JSON.stringify({ pong: value.value }));
        return;
      case 'topics':
        if (value.since !== undefined && (value.format ?? this.format) !== 'envelope') {
          this.sendError('bad_frame', 'since needs envelope deliveries: ?format=envelope, or "format": "envelope"');
          return;
        }
        if (value.presence === true && (value.format ?? this.format) !== 'envelope') {
          this.sendError('bad_frame', 'presence needs envelope deliveries: ?format=envelope, or "format": "envelope"');
          return;
        }
        if (value.filters !== undefined && (value.format ?? this.format) !== 'envelope') {
          // Wildcards are opt-in for envelope devices: each delivery must name its concrete topic.
          this.sendError('bad_frame', 'filters need envelope deliveries: ?format=envelope, or "format": "envelope"');
          return;
        }
        if (value.format !== undefined) this.format = value.format;
        if (value.presence !== undefined) this.presence = value.presence;
        this.hooks.onTopics(this, value.topics, value.since, value.filters);
        return;
      case 'will': {
        const refused = this.hooks.onWill(this, value.will);
        if (refused !== null) this.sendError(refused.code, refused.message);
        return;
      }
      case 'publish':
        this.#publish(value.publish, value.echo, value.id);
    }
  }

  /** Handles one binary frame from the device: a publish of bytes. */
  receiveBinary(data: Buffer): void {
    const frame = parseBinaryClientFrame(data, this.settings);
    if (!frame.ok) {
      this.sendError(frame.code, frame.message, frame.id);
      return;
    }
    const { publish, payload, echo, id } = frame.value;
    // A view of the frame's bytes, kept as they are (the history may hold them for a while).
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#publish({ ...publish, message: bytes }, echo, id);
  }

  /** Called once when the socket has closed. */
  closed(code: number): void {
    this.#pending = null;
    this.#pendingBytes = 0;
    this.#corked = false;
    this.hooks.onClose(this, this.#endReason ?? 'client_closed', code);
  }

  #publish(request: DevicePublish, echo: boolean, id: FrameId | undefined): void {
    const { devicePublish, devicePublishRatePerSec, devicePublishBurst } = this.settings;
    if (devicePublish === 'deny') {
      this.sendError('forbidden', 'publishing over the socket is turned off on this hub', id);
      return;
    }
    if (devicePublishRatePerSec > 0) {
      const now = performance.now();
      this.#publishBucket ??= fullBucket(devicePublishBurst, now);
      const wait = takeToken(this.#publishBucket, now, devicePublishRatePerSec, devicePublishBurst);
      if (wait > 0) {
        this.sendError(
          'rate_limited',
          `more than ${devicePublishRatePerSec} publishes per second; retry in ${wait} s`,
          id,
        );
        return;
      }
    }
    const outcome = this.hooks.onPublish(this, request, echo);
    if (outcome instanceof Promise) {
      // A cluster's receipt comes once every hub has counted (see the engine).
      outcome.then(
        (receipt) => id !== undefined && this.answer(ackJson(id, receipt.delivered)),
        () => this.sendError('internal_error', 'the publish failed', id),
      );
    } else if ('code' in outcome) this.sendError(outcome.code, outcome.message, id);
    else if (id !== undefined) this.answer(ackJson(id, outcome.delivered));
  }

  /**
   * Sends a frame that answers the device: behind what this turn already queued for it (an echo
   * comes before its ack), else into the socket, corked until this turn's flush. Corked, not kept
   * aside: a close frame `ws` writes when the device's own close follows in the same read still
   * leaves after the answer, and the answers of a turn share one write.
   */
  answer(json: string): void {
    if (!this.isOpen) return;
    const frame = frameText(json);
    if (this.#pending !== null) {
      this.#queue(frame);
      return;
    }
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      this.#enlist();
    }
    this.#socket.write(frame);
  }

  #queue(frame: Buffer): void {
    if (this.#pending === null) {
      this.#pending = [frame];
      this.#enlist();
    } else {
      this.#pending.push(frame);
    }
    this.#pendingBytes += frame.length;
  }

  #enlist(): void {
    if (this.#enlisted) return;
    this.#enlisted = true;
    this.scheduler.enlist(this);
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
