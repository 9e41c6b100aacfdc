/**
 * The device-facing HTTP + WebSocket API of Relay Hub: request/response bodies,
 * stable error codes and WebSocket close codes. Pure types and constants only.
 */

/** Stable machine-readable error codes carried in `{"error": {"code", "message"}}`. */
export type ErrorCode =
  | 'bad_json'
  | 'invalid_body'
  | 'invalid_user_id'
  | 'invalid_topic'
  | 'invalid_topics'
  | 'invalid_message'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'upgrade_required'
  | 'unknown_client'
  | 'bad_frame'
  | 'internal_error'
  | 'unauthorized'
  | 'forbidden'
  | 'message_too_large'
  | 'rate_limited'
  | 'too_many_registrations'
  | 'too_many_connections'
  | 'invalid_query'
  | 'name_taken'
  | 'unknown_pairing';

/** JSON body of every 4xx answer and of WebSocket error frames. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** `POST /register` request body. */
export interface RegisterRequest {
  user_id: number;
  /**
   * A stable name for the device (1–100 characters): registering again with the same name (with the
   * same key, when keys are in use) returns the existing registration, same id and URL.
   */
  name?: string;
}

/** `POST /register` answer: the URL a device connects to, and its id. */
export interface RegisterResponse {
  url: string;
  id: string;
}

/** `DELETE /register/<id>` answer. */
export interface UnregisterResponse {
  removed: boolean;
  id: string;
}

/** `POST /publish` request body. */
export interface PublishRequest {
  topic: string;
  user_id?: number;
  message: string;
  /** Keep it as the topic's retained message (an empty message clears it). */
  retain?: boolean;
}

/**
 * `POST /publish` answer: how many live connections the message was written to, and where it sits
 * in its topic's stream (`offset`, under the topic's `epoch`).
 */
export interface PublishReceipt {
  delivered: number;
  offset: number;
  epoch: string;
  /** Only on a hub in a cluster (`--broker`): which hubs `delivered` counts. */
  cluster?: ClusterReceipt;
}

/**
 * The cluster's part of a receipt: `delivered` sums the sockets written to on `counted` hubs out of
 * the `hubs` that were members when the message was published (a hub that did not answer within a
 * second is not counted). `degraded`: Redis was unreachable, so only this hub's devices got it.
 */
export interface ClusterReceipt {
  hubs: number;
  counted: number;
  degraded?: true;
}

/** A topic's place in its stream: the offset of its last message, under the stream's epoch. */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** One message of a topic's history, as `GET /history/<topic>` shows it. */
export interface HistoryItem {
  offset: number;
  ts: number;
  /** The text, or for a binary message its bytes in base64 (`encoding` says so). */
  message: string;
  encoding?: 'base64';
  user_id?: number;
  /** Published with `retain`. */
  retain?: true;
  /** The MQTT QoS it was published with, when above 0 (an MQTT client's PUBLISH or the GUI's form). */
  qos?: 1 | 2;
}

/** `GET /history/<topic>?since=<offset>&limit=<n>` answer: messages after `since`, oldest first. */
export interface HistoryResponse {
  topic: string;
  epoch: string;
  /** The topic's last offset. */
  offset: number;
  messages: HistoryItem[];
  /** True when every message after `since` is here (none was evicted, and `limit` did not cut). */
  complete: boolean;
}

/** `DELETE /retained/<topic>` answer. */
export interface RetainedClearResponse {
  topic: string;
  removed: boolean;
}

/** `GET /health` answer. */
export interface HealthResponse {
  /** `degraded`: a hub in a cluster that cannot reach Redis (it still serves its own devices). */
  status: 'ok' | 'degraded';
  uptime_s: number;
  registered: number;
  connected: number;
  /** Only on a hub in a cluster. */
  cluster?: { state: 'up' | 'joining' | 'degraded'; hubs: number };
}

/**
 * WebSocket close codes used by the hub (application range 4000–4999, plus the
 * standard 1001 on shutdown and 1009 for oversized frames, which `ws` sends).
 */
export const CloseCode = {
  /** Hub is shutting down. */
  goingAway: 1001,
  /** The registration was removed (`DELETE /register/<id>` or the GUI). */
  unregistered: 4000,
  /** A newer connection on the same id replaced this one. */
  replaced: 4001,
  /** The client did not read fast enough; its send buffer passed the limit. */
  slowConsumer: 4002,
  /** The device key it registered with was revoked, or expired. */
  revoked: 4003,
} as const;

/** Reasons a client connection ended, as reported in `disconnected` events. */
export type DisconnectReason =
  | 'client_closed'
  | 'unregistered'
  | 'replaced'
  | 'slow_consumer'
  | 'heartbeat_timeout'
  | 'shutdown'
  | 'error'
  | 'revoked';

/** What happens to a client whose send buffer passes the limit. */
export type SlowConsumerPolicy = 'close' | 'drop';

/** Where the hub serves the device SDK as one ES module (CORS open), for pages on the LAN. */
export const sdkModulePath = '/sdk/relay-hub-client.mjs';
