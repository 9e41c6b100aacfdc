/**
 * The device SDK's client: registers (or reuses a known id), holds the socket in envelope mode,
 * resubscribes on every (re)connect, reconnects with exponential backoff and full jitter, treats a
 * silent connection as dead (watchdog), and queues publishes while offline.
 */
import { parseBinaryServerFrame, parseServerFrame, type Envelope } from '../shared/protocol';
import { backoffDefaults, backoffDelay } from './backoff';
import { Emitter } from './emitter';
import { HubList } from './hubs';
import { implementationsOf, stopCodes } from './implementations';
import { HubHttpError, register, registrationExists, socketUrl, withEnvelopes, type FetchLike } from './hub-http';
import { Inflight } from './inflight';
import { Outbox, type Pending, publishFrame } from './outbox';
import { defaultTimeoutMs, TimeoutError, timeoutMessage } from './timeout';
import { willFrame, type Will } from './will';
import {
  RelayError,
  type ClientEvents,
  type ClientState,
  type ConnectOptions,
  type DeviceMessage,
  type WebSocketConstructor,
  type WebSocketLike,
} from './types';

export class RelayClient extends Emitter<ClientEvents> {
  #state: ClientState = 'connecting';
  #id: string | null;
  #url: string | null;
  #topics: string[] | null;
  #will: Will | null;
  /** Per topic, the position of the last message received: what a resubscribe asks to recover from. */
  readonly #positions = new Map<string, { offset: number; epoch: string }>();
  #ws: WebSocketLike | null = null;
  #attempt = 0;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #watchdog: ReturnType<typeof setTimeout> | null = null;
  /** The deadline of the socket being opened. */
  #opening: ReturnType<typeof setTimeout> | null = null;
  readonly #outbox: Outbox;
  readonly #inflight: Inflight;
  #nextId = 1;
  #pingSeq = 0;
  readonly #options: ConnectOptions;
  readonly #WebSocket: WebSocketConstructor;
  readonly #fetch: FetchLike;
  readonly #heartbeatMs: number;
  readonly #hubs: HubList;

  constructor(options: ConnectOptions) {
    super();
    ({ WebSocket: this.#WebSocket, fetch: this.#fetch } = implementationsOf(options));
    this.#options = options;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#hubs = new HubList(options.hub, options.hubs);
    this.#id = options.id ?? null;
    this.#url = options.id === undefined ? null : socketUrl(options.hub, options.id);
    this.#topics = options.topics === undefined ? null : [...options.topics];
    this.#will = options.will === undefined ? null : { ...options.will };
    this.#outbox = new Outbox(options.queue);
    this.#inflight = new Inflight(options.timeoutMs ?? defaultTimeoutMs);
    queueMicrotask(() => void this.#connect());
  }

  /** The connection's state. */
  get state(): ClientState {
    return this.#state;
  }

  /** The registration id (null until registered). */
  get id(): string | null {
    return this.#id;
  }

  /** The base URL of the hub in use (with `hubs`, the one the client moved to). */
  get hub(): string {
    return this.#hubs.current;
  }

  /** Publishes waiting for the connection. */
  get queued(): number {
    return this.#outbox.size;
  }

  /**
   * Publishes over the socket; resolves with the hub's receipt (how many sockets it reached, the
   * sender not counted unless `echo`). While offline it waits in the bounded queue and goes out, in
   * order, on reconnect. Rejects with a RelayError: the hub's code, or `connection_lost` when the
   * connection dropped before the ack (it may or may not have been delivered), `queue_full`, `closed`.
   */
  publish(
    topic: string,
    message: string | Uint8Array | ArrayBuffer,
    options: { userId?: number; echo?: boolean } = {},
  ): Promise<{ delivered: number }> {
    if (this.#state === 'closed') return Promise.reject(new RelayError('closed', 'the client is closed'));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const payload = message instanceof ArrayBuffer ? new Uint8Array(message) : message;
      const frame = publishFrame(topic, payload, id, options);
      const item: Pending = { id, topic, message: payload, frame, bytes: frame.length, resolve, reject };
      if (this.#state === 'open' && this.#ws !== null) this.#send(this.#ws, item);
      else for (const dropped of this.#outbox.push(item)) this.#drop(dropped);
    });
  }

  /** Sets (null: clears) the last will, now when open and on every reconnect. */
  setWill(will: Will | null): void {
    this.#will = will === null ? null : { ...will };
    if (this.#state === 'open' && this.#ws !== null) this.#ws.send(willFrame(will));
  }

  /** Replaces the topic set (sent now when open, and on every reconnect). */
  subscribe(topics: string[]): void {
    this.#topics = [...topics];
    if (this.#state === 'open' && this.#ws !== null) this.#sendTopics(this.#ws);
  }

  /** The position of the last message received on `topic` (what a reconnect recovers from), if any. */
  position(topic: string): { offset: number; epoch: string } | null {
    const position = this.#positions.get(topic);
    return position === undefined ? null : { ...position };
  }

  /** Subscribes, asking for every topic what was published after the last message received (epoch "" when none yet). */
  #sendTopics(ws: WebSocketLike): void {
    const topics = this.#topics;
    if (topics === null) return;
    const since: Record<string, { offset: number; epoch: string }> = {};
    for (const topic of topics) since[topic] = this.#positions.get(topic) ?? { offset: 0, epoch: '' };
    const filters = this.#options.filters;
    ws.send(
      JSON.stringify(
        filters === undefined ? { topics, format: 'envelope', since } : { topics, filters, format: 'envelope', since },
      ),
    );
  }

  /** Closes for good: no reconnect; waiting publishes reject with `closed`. */
  close(): void {
    if (this.#isClosed()) return;
    const ws = this.#ws;
    this.#stop('closed');
    ws?.close(1000, 'client closed');
  }

  async #connect(): Promise<void> {
    if (this.#isClosed()) return;
    if (this.#id === null || this.#url === null) {
      try {
        const { userId, token, name } = this.#options;
        const timeoutMs = this.#inflight.timeoutMs;
        const { id, url } = await register(this.#fetch, this.#hubs.current, userId, token, name, timeoutMs);
        if (this.#isClosed()) return;
        this.#id = id;
        this.#url = url;
        this.emit('registered', { id, url });
      } catch (error) {
        this.#registerFailed(error);
        return;
      }
    }
    this.#open(this.#url);
  }

  #registerFailed(error: unknown): void {
    if (this.#isClosed()) return;
    if (error instanceof HubHttpError && [400, 401, 403].includes(error.status)) {
      // A wrong token or user id does not fix itself: say so and stop.
      this.emit('error', new RelayError(error.code, error.message));
      this.#stop(error.code);
      return;
    }
    const code = error instanceof HubHttpError || error instanceof TimeoutError ? error.code : 'network';
    this.emit('error', new RelayError(code, String(error)));
    if (!(error instanceof HubHttpError)) this.#nextHub();
    this.#retry(error instanceof HubHttpError ? error.retryAfterS : null);
  }

  #open(url: string): void {
    let opened = false;
    const options = this.#options.webSocketOptions;
    const target = withEnvelopes(url, this.#topics !== null);
    const ws = (
      options === undefined ? new this.#WebSocket(target) : new this.#WebSocket(target, options as never)
    ) as WebSocketLike;
    // Binary messages as ArrayBuffers, in browsers and with `ws` alike.
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#opening = setTimeout(() => {
      // Accepted and never answered: give up on this socket and carry on as if it had closed.
      this.emit('error', new RelayError('timeout', timeoutMessage('open the socket', this.#inflight.timeoutMs)));
      this.#cut(ws, false);
    }, this.#inflight.timeoutMs);
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      opened = true;
      this.#clearConnectionTimers();
      this.#onOpen(ws);
    };
    ws.onmessage = (event) => {
      if (this.#ws === ws) this.#onMessage(event.data);
    };
    ws.onerror = () => {
      // 'close' follows; an upgrade refused (404, 503…) shows here as a socket that never opened.
    };
    ws.onclose = (event) => {
      if (this.#ws === ws) void this.#onLost(event.code, opened);
    };
  }

  #onOpen(ws: WebSocketLike): void {
    this.#setState('open');
    if (this.#will !== null) ws.send(willFrame(this.#will));
    this.#sendTopics(ws);
    for (const item of this.#outbox.drain()) this.#send(ws, item);
    this.#heartbeat = setInterval(() => ws.send(JSON.stringify({ ping: ++this.#pingSeq })), this.#heartbeatMs);
    this.#feedWatchdog();
    const resetAfter = this.#options.reconnect?.resetAfterMs ?? backoffDefaults.resetAfterMs;
    this.#later(resetAfter, () => {
      if (this.#ws === ws && this.#state === 'open') this.#attempt = 0;
    });
  }

  #onMessage(data: unknown): void {
    this.#feedWatchdog();
    if (data instanceof ArrayBuffer) {
      const binary = parseBinaryServerFrame(new Uint8Array(data));
      if (binary.ok) this.#onEnvelope({ ...binary.value, message: binary.value.payload });
      return;
    }
    if (typeof data !== 'string') return;
    const frame = parseServerFrame(data);
    if (!frame.ok) return;
    const value = frame.value;
    switch (value.kind) {
      case 'envelope':
        this.#onEnvelope(value);
        return;
      case 'recovery': {
        // Recovered or not, the device is now at the topic's position: it goes on from there.
        for (const [topic, { offset, epoch }] of Object.entries(value.topics))
          this.#positions.set(topic, { offset, epoch });
        this.emit('recovery', value.topics);
        return;
      }
      case 'ack': {
        this.#inflight.take(value.id)?.resolve({ delivered: value.delivered });
        return;
      }
      case 'error': {
        const item = this.#inflight.take(value.id);
        const error = new RelayError(value.code, value.message);
        if (item === undefined) {
          this.emit('error', error);
          return;
        }
        item.reject(error);
        return;
      }
      case 'pong':
        return;
    }
  }

  /** A delivery (text, or bytes from a binary frame). */
  #onEnvelope(value: Omit<Envelope, 'message'> & { message: string | Uint8Array }): void {
    const { topic, offset, epoch } = value;
    const known = this.#positions.get(topic);
    if (value.retained !== true) {
      // Already here (a message can come twice only across a seam): not again.
      if (known !== undefined && known.epoch === epoch && offset <= known.offset) return;
      this.#positions.set(topic, { offset, epoch });
    }
    const message: DeviceMessage = { topic, message: value.message, ts: value.ts, offset, epoch };
    if (value.user_id !== undefined) message.userId = value.user_id;
    if (value.retained === true) message.retained = true;
    this.emit('message', message);
  }

  /** The socket closed (or the watchdog declared it dead): stop, re-register, or retry. */
  async #onLost(code: number, opened: boolean): Promise<void> {
    this.#ws = null;
    this.#clearConnectionTimers();
    for (const item of this.#inflight.drain()) {
      item.reject(new RelayError('connection_lost', 'the connection dropped before the hub acknowledged'));
    }
    if (this.#isClosed()) return;
    const id = this.#id ?? '';
    if (code === stopCodes.unregistered || code === stopCodes.revoked) {
      this.#stop('unregistered');
      this.emit('unregistered', { id, revoked: code === stopCodes.revoked });
      return;
    }
    if (code === stopCodes.replaced) {
      this.#stop('replaced');
      this.emit('replaced', { id });
      return;
    }
    if (!opened && this.#id !== null) {
      // The upgrade was refused or the hub is down: ask whether the registration still exists.
      const exists = await registrationExists(this.#fetch, this.#hubs.current, this.#id, this.#inflight.timeoutMs);
      if (this.#isClosed()) return;
      // The hub does not answer: the next one of the cluster may.
      if (exists === null) this.#nextHub();
      if (exists === false) {
        if (this.#options.reregister === false) {
          this.emit('error', new RelayError('unknown_client', `the hub no longer knows registration ${id}`));
          this.#stop('unknown_client');
          return;
        }
        this.#id = null;
        this.#url = null;
        this.#setState('reconnecting');
        void this.#connect();
        return;
      }
    }
    this.#retry(null);
  }

  /** Moves to the next hub of `hubs` (if any): the registration's socket URL there. */
  #nextHub(): void {
    if (!this.#hubs.several) return;
    const hub = this.#hubs.next();
    if (this.#id !== null) this.#url = socketUrl(hub, this.#id);
  }

  #retry(retryAfterS: number | null): void {
    this.#setState('reconnecting');
    this.#attempt++;
    const delayMs = Math.max(backoffDelay(this.#attempt, this.#options.reconnect), (retryAfterS ?? 0) * 1000);
    this.emit('reconnecting', { attempt: this.#attempt, delayMs });
    this.#later(delayMs, () => void this.#connect());
  }

  #send(ws: WebSocketLike, item: Pending): void {
    this.#inflight.add(item);
    ws.send(item.frame);
  }

  #drop(item: Pending): void {
    item.reject(new RelayError('queue_full', 'dropped from the offline queue to make room for newer publishes'));
    this.emit('dropped', { topic: item.topic, message: item.message });
  }

  /** Any frame proves the connection alive; silence for two heartbeats means it is dead. */
  #feedWatchdog(): void {
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      // A half-open TCP connection never closes by itself: cut it and carry on as if it had closed.
      if (this.#ws !== null) this.#cut(this.#ws, true);
    }, 2 * this.#heartbeatMs);
  }

  /** Cuts a socket that went silent and handles it as lost. */
  #cut(ws: WebSocketLike, opened: boolean): void {
    if (ws.terminate) ws.terminate();
    else ws.close(4003, 'watchdog');
    void this.#onLost(1006, opened);
  }

  #stop(reason: string): void {
    this.#setState('closed');
    this.#ws = null;
    this.#clearConnectionTimers();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    const error = new RelayError(reason, `the client stopped: ${reason}`);
    for (const item of [...this.#inflight.drain(), ...this.#outbox.drain()]) item.reject(error);
  }

  #clearConnectionTimers(): void {
    clearInterval(this.#heartbeat ?? undefined);
    clearTimeout(this.#watchdog ?? undefined);
    clearTimeout(this.#opening ?? undefined);
    this.#heartbeat = this.#watchdog = this.#opening = null;
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers = this.#timers.filter((t) => t !== timer);
      run();
    }, ms);
    this.#timers.push(timer);
  }

  /** A method, not a field read: the state changes across awaits, which narrowing cannot see. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
