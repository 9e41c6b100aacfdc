import type { DisconnectReason, PublishReceipt, SlowConsumerPolicy } from './api';

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
}

/** One user with the ids of its registrations. */
export interface UserInfo {
  userId: number;
  clientIds: string[];
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

/** Who published a message: `POST /publish`, a device over its socket, or the operator's GUI. */
export type PublishOrigin = 'http' | 'device' | 'gui';

/** Every observable state change of the relay. */
export type RelayEvent =
  | { type: 'registered'; client: ClientInfo }
  | { type: 'unregistered'; id: string; userId: number }
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
      origin: PublishOrigin;
      /** The message as published (text; binary messages will add another member). */
      message: string;
    }
  | { type: 'slow-consumer'; id: string; userId: number; bufferedBytes: number; policy: SlowConsumerPolicy };

/** The `type` of a relay event. */
export type RelayEventType = RelayEvent['type'];
