import type { DisconnectReason, HistoryItem, PublishReceipt, SlowConsumerPolicy } from './api';

/** One registration as the operator sees it. Times are epoch milliseconds. */
export interface ClientInfo {
  id: string;
  userId: number;
  topics: string[];
  connected: boolean;
  remoteAddress: string | null;
  connectedSince: number | null;
  registeredAt: number;
  messagesSent: number;
  bytesSent: number;
  bufferedBytes: number;
  dropped: number;
  /** Messages this device published over its socket. */
  published: number;
  /** The name it registered with (`POST /register {"name"}`), or null. */
  name: string | null;
  /** The device key it registered with, or null (the access token, or an open hub). */
  keyId: string | null;
  /** Its last connect or disconnect (or its registration, before any). */
  lastSeen: number;
  /** Whether a socket ever opened on it. */
  everConnected: boolean;
}

/** One user with the ids of its registrations. */
export interface UserInfo {
  userId: number;
  clientIds: string[];
}

/** A topic's stream: its history and retained message, as the operator sees it. */
export interface TopicStreamInfo {
  topic: string;
  epoch: string;
  lastOffset: number;
  /** Messages in the history. */
  size: number;
  bytes: number;
  retained: HistoryItem | null;
}

/** One topic: how many registrations subscribe to it and how many messages were published to it. */
export interface TopicInfo {
  topic: string;
  subscribers: number;
  published: number;
}

/** Hub-wide counters since start. */
export interface HubStats {
  registered: number;
  connected: number;
  users: number;
  topics: number;
  published: number;
  delivered: number;
  droppedMessages: number;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
}

/** Full picture of the hub at one instant. */
export interface HubSnapshot {
  startedAt: number;
  clients: ClientInfo[];
  users: UserInfo[];
  topics: TopicInfo[];
  stats: HubStats;
}

/** Where the hub listens and the URLs devices should use. */
export interface ListenInfo {
  host: string;
  port: number;
  /** Base HTTP URLs a device on the LAN can use (one per non-internal IPv4, or the configured public URL). */
  urls: string[];
}

/** Settings the hub's slow-consumer policy reports. */
export interface SlowConsumerSettings {
  policy: SlowConsumerPolicy;
  maxBufferedBytes: number;
}

/**
 * Why a registration went away: a request (`DELETE /register`, the GUI), expiry (never connected,
 * or idle too long), or its device key was revoked or expired.
 */
export type UnregisterReason = 'request' | 'never_connected' | 'idle' | 'key_revoked';

/** Who published a message: `POST /publish`, a device over its socket, or the operator's GUI. */
export type PublishOrigin = 'http' | 'device' | 'gui';

/** Every observable state change of the relay. */
export type RelayEvent =
  | { type: 'registered'; client: ClientInfo }
  | { type: 'unregistered'; id: string; userId: number; reason: UnregisterReason }
  | { type: 'connected'; client: ClientInfo }
  | { type: 'disconnected'; id: string; userId: number; reason: DisconnectReason; code: number }
  | { type: 'topics'; id: string; userId: number; topics: string[] }
  | {
      type: 'published';
      topic: string;
      userId: number | null;
      /** Size of the frame written to each recipient, in bytes. */
      bytes: number;
      receipt: PublishReceipt;
      /** Who published: `POST /publish`, the operator GUI, or a device over its socket. */
      origin: PublishOrigin;
      /** The publishing device's registration id (origin `device`), else null. */
      clientId: string | null;
      /** The message as published: text, or the bytes of a binary message. */
      message: string | Uint8Array;
    }
  | { type: 'slow-consumer'; id: string; userId: number; bufferedBytes: number; policy: SlowConsumerPolicy };

/** The `type` of a relay event. */
export type RelayEventType = RelayEvent['type'];
