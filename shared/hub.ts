import type { DisconnectReason, HistoryItem, PublishReceipt, SlowConsumerPolicy } from './api';

/** One registration as the operator sees it. Times are epoch milliseconds. */
export interface ClientInfo {
  id: string;
  userId: number | null;
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
  /** In a cluster: the member id of the hub that holds its socket (this one or another), or null. */
  hub?: string | null;
  /** The door it came through (absent: `ws`, a tutorial device registration). */
  protocol?: ClientProtocol;
  /** MQTT filters it listens to besides `topics` (wildcards), when it has any. */
  filters?: string[];
  /** An MQTT client's session: its own client id, QoS per subscription, clean session, will. */
  mqtt?: MqttClientInfo;
}

/** What the operator sees of an MQTT client's session. */
export interface MqttClientInfo {
  /** The client id it sent in CONNECT (the hub's id for it is `mqtt:<clientId>`). */
  clientId: string;
  /** Clean session: false keeps its subscriptions and queued QoS 1/2 messages while it is away. */
  clean: boolean;
  /** Seconds of keep-alive it asked for (0: none). */
  keepalive: number;
  /** The QoS granted per subscription (topic or filter). */
  qos: Record<string, 0 | 1 | 2>;
  /** Its Last Will, or null. */
  will: { topic: string; qos: 0 | 1 | 2; retain: boolean } | null;
  /** QoS 1/2 messages queued for it (while away, or not yet acknowledged). */
  queued: number;
}

/**
 * The doors a client comes through: a tutorial device's WebSocket, MQTT over TCP (or TLS) and
 * over WebSocket, the HTTP streams, and the webhooks (which listen like a client, never listed as one).
 */
export type ClientProtocol = 'ws' | 'mqtt' | 'mqtt-ws' | 'sse' | 'ndjson' | 'webhook';

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
  /** Where MQTT clients connect (absent: a relay without the MQTT door). */
  mqtt?: MqttListenInfo;
}

/** The MQTT listeners: TCP and TLS ports (null: off), the WebSocket path on the hub's port. */
export interface MqttListenInfo {
  port: number | null;
  tlsPort: number | null;
  /** Why a listener is off though asked for ("MQTT off: port 1883 in use — change it in Settings"), or null. */
  problem: string | null;
  /** MQTT over WebSocket on the hub's own port: always `/mqtt`. */
  path: string;
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

/** Who published a message: `POST /publish`, a device over its socket, the operator's GUI, another hub of the cluster, or an MQTT client. */
export type PublishOrigin = 'http' | 'device' | 'gui' | 'cluster' | 'mqtt';

/** Every observable state change of the relay. */
export type RelayEvent =
  | { type: 'registered'; client: ClientInfo }
  | { type: 'unregistered'; id: string; userId: number; reason: UnregisterReason }
  /** `hub`: the socket is on another hub of the cluster (its member id). */
  | { type: 'connected'; client: ClientInfo; hub?: string }
  /** `userId` null: a door's client of no user (an anonymous MQTT client, a stream). */
  | { type: 'disconnected'; id: string; userId: number | null; reason: DisconnectReason; code: number; hub?: string }
  | { type: 'topics'; id: string; userId: number | null; topics: string[] }
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
      /** Published with `retain` (an empty message then clears the topic's retained message). */
      retain?: true;
    }
  | { type: 'slow-consumer'; id: string; userId: number; bufferedBytes: number; policy: SlowConsumerPolicy }
  /** A hub in a cluster joined it, lost Redis (degraded) or rejoined; `text` says so for the log. */
  | { type: 'cluster'; state: ClusterInfo['state']; text: string };

/** The `type` of a relay event. */
export type RelayEventType = RelayEvent['type'];

/** One hub of a cluster (`--broker`), as its last heartbeat said. */
export interface ClusterMember {
  /** Its member id (new at every start). */
  id: string;
  /** `hostname:port`. */
  name: string;
  /** Base URLs devices use: its public URL, or its LAN addresses. */
  urls: string[];
  /** Live device sockets on it. */
  connected: number;
  startedAt: number;
  /** This hub. */
  self: boolean;
}

/** The cluster as one of its hubs sees it. */
export interface ClusterInfo {
  /** `up`: a member; `joining`: connecting or loading the cluster's state; `degraded`: Redis is unreachable. */
  state: 'up' | 'joining' | 'degraded';
  /** The broker, without its password. */
  broker: string;
  /** This hub's member id. */
  self: string;
  /** Every live hub, this one first. */
  members: ClusterMember[];
  /** Since when Redis has been unreachable (ms since the epoch), or null. */
  degradedSince: number | null;
  /** Times this hub lost Redis. */
  outages: number;
  /** Publishes made here while Redis was unreachable: only this hub's devices got them. */
  unshared: number;
  /** Publications of other hubs delivered here. */
  received: number;
  /** Publications of other hubs this hub's devices got late, when it rejoined (it was cut off from Redis). */
  late: number;
  /** Publications of other hubs this hub's devices never got (gone from the history when it rejoined). */
  missed: number;
}
