/**
 * The device SDK's public types: options, events, the messages a device gets, its errors, and the
 * WebSocket it is given.
 */
import type { BackoffOptions } from './backoff';
import type { FetchLike } from './hub-http';
import type { OutboxOptions } from './outbox';
import type { Will } from './will';

/** The connection's state. */
export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A message delivered to the device. */
export interface DeviceMessage {
  topic: string;
  /** The text, or the bytes of a binary message. */
  message: string | Uint8Array;
  /** Present when it was published for this device's user only. */
  userId?: number;
  /** When the hub accepted it (ms since the epoch). */
  ts: number;
  /** Its place in the topic's stream. */
  offset: number;
  epoch: string;
  /** The topic's retained message, sent because the device subscribed. */
  retained?: true;
}

/** Per topic, after a (re)subscribe: whether what was missed arrived (false: there may be a gap), and the position. */
export type RecoveryResults = Record<string, { recovered: boolean; offset: number; epoch: string }>;

/** A failure with a stable code: the hub's error codes, or the SDK's own (`connection_lost`, `queue_full`, `closed`…). */
export class RelayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

/** What a client emits. */
export interface ClientEvents {
  state: ClientState;
  message: DeviceMessage;
  error: RelayError;
  /** A registration was made (at start, or again after the hub forgot the old one: a new id). */
  registered: { id: string; url: string };
  /**
   * The operator removed the registration (close 4000), or revoked the device key it was made with
   * (close 4003, `revoked` true): the client stops and never re-registers by itself.
   */
  unregistered: { id: string; revoked: boolean };
  /** Another connection took this registration (close 4001): the client stops. */
  replaced: { id: string };
  /** A publish waiting offline was dropped to make room (the queue is bounded). */
  dropped: { topic: string; message: string | Uint8Array };
  /** A retry is scheduled after `delayMs`. */
  reconnecting: { attempt: number; delayMs: number };
  /**
   * After every (re)subscribe, per topic: `recovered` true when every message published while the
   * device was away has arrived (before this event); false when the hub could not keep them all
   * (or on the first connect, when there was nothing to recover).
   */
  recovery: RecoveryResults;
}

/** The parts of a WebSocket the SDK uses: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  binaryType: string;
  close(code?: number, reason?: string): void;
  /** `ws` only: cut the socket at once. */
  terminate?: () => void;
}

/**
 * A WebSocket constructor: the browser's `WebSocket`, or `ws`'s default export (typed loosely on
 * purpose, so that both are accepted as they are; the SDK uses only the `WebSocketLike` parts).
 */
export type WebSocketConstructor = new (url: string, ...rest: never[]) => object;

/** Options of `connect`. */
export interface ConnectOptions {
  /** The hub's base URL, e.g. `http://192.168.1.20:8000`. */
  hub: string;
  /**
   * Other hubs of the same cluster (`--broker`), tried in turn when the one in use cannot be
   * reached: the registration and the recovery positions carry over to them.
   */
  hubs?: string[];
  /** The user this device registers as. */
  userId: number;
  /** Topics to subscribe to, sent on every (re)connect (default: the registration's, `["cats"]` when new). */
  topics?: string[];
  /**
   * MQTT filters to subscribe to besides `topics` (`sensors/+/temp`, `alerts/#`), sent on every
   * (re)connect: each message names its concrete topic. `+` and `#` in `topics` stay literal.
   */
  filters?: string[];
  /** The hub's access token, or a device key (`rhk_…`), when it requires one to register. */
  token?: string;
  /**
   * A stable name for this device: registering again with it (after a reboot, a lost id) gets the
   * same registration back instead of a new one. Unique per key (or among keyless devices).
   */
  name?: string;
  /** A registration id to reuse (else the client registers). */
  id?: string;
  /** Re-register when the hub has forgotten the registration (404 on its socket URL). Default true. */
  reregister?: boolean;
  /** Reconnect backoff: base 0.5 s, cap 30 s, reset after 10 s open. */
  reconnect?: BackoffOptions;
  /** Application ping interval; no frame for twice this long means the connection is dead. Default 15 s. */
  heartbeatMs?: number;
  /**
   * How long each request to the hub may take — registering, opening the socket, a publish's ack —
   * before it fails with code `timeout` (a connection then retries with backoff). Default 10 s.
   */
  timeoutMs?: number;
  /** Bounds of the offline publish queue. */
  queue?: OutboxOptions;
  /**
   * A last will, set on every (re)connect: the hub publishes it for this device when its connection
   * ends other than by `close()` (a crash, a cut network, a dead heartbeat). See `setWill`.
   */
  will?: Will;
  /** WebSocket constructor: needed in Node (`import WebSocket from 'ws'`); browsers have one. */
  WebSocket?: WebSocketConstructor;
  /** Options for the WebSocket constructor (`ws` only, e.g. `{ ca }` for a self-signed hub). */
  webSocketOptions?: object;
  /** `fetch` (default: the global one). */
  fetch?: FetchLike;
}
