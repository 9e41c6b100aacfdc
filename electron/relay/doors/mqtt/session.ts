/**
 * One MQTT session as the core sees it: a `Subscriber` whose `deliver()` writes a PUBLISH to its
 * aedes client at the QoS the subscription and the publish allow. QoS 0 goes straight to the
 * socket as bytes built once per publish (the fan-out's fast path); QoS 1/2 go through aedes
 * (message ids, acknowledgements, the session queue). A persistent session outlives its
 * connection: while away it stays a subscriber and queues QoS 1/2 messages in the session store.
 */
import type { Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import type { DisconnectReason } from '../../../../shared/api';
import type { ClientInfo, ClientProtocol, MqttClientInfo } from '../../../../shared/hub';
import { filterMatches, hasWildcard } from '../../../../shared/topic-filter';
import type { Subscriber } from '../../core/clients/subscribers';
import type { Engine } from '../../core/history/types';
import { Delivery } from '../../core/clients/fanout';
import type { SessionStore, StoredPacket } from './persistence';

type Qos = 0 | 1 | 2;

/** An aedes client with the internals the door reads (its socket, its broker's counter). */
export type AedesClient = Client & { broker: { id: string; counter: number }; _keepaliveInterval?: number };

/** What a session needs from its door. */
export interface SessionContext {
  readonly store: SessionStore;
  /** The slow-consumer policy and bound. */
  readonly maxBufferedBytes: number;
  readonly policy: 'close' | 'drop';
  /** A message not delivered (slow consumer, or queued too much). */
  dropped(session: MqttSession): void;
  /** A slow consumer to close (policy `close`). */
  slow(session: MqttSession): void;
  /** Closes it from the hub's side (the operator, a revoked key): forgets a persistent session. */
  close(session: MqttSession, reason: DisconnectReason): void;
  /** A packet sent, by type (the metrics). */
  sent(type: string): void;
}

const qos0Frames = new WeakMap<Delivery, Buffer>();
const retainedFrames = new WeakMap<Delivery, Buffer>();

/** The PUBLISH bytes (QoS 0) of a delivery: built once, written to every QoS 0 subscriber. */
function qos0Frame(delivery: Delivery): Buffer {
  const cache = delivery.retained ? retainedFrames : qos0Frames;
  let frame = cache.get(delivery);
  if (frame === undefined) {
    frame = mqttPacket.generate({
      cmd: 'publish',
      topic: delivery.topic,
      payload: payloadOf(delivery),
      qos: 0,
      retain: delivery.retained,
      dup: false,
    });
    cache.set(delivery, frame);
  }
  return frame;
}

/** The bytes of a message: text as UTF-8, bytes as they are. */
export function payloadOf(delivery: Delivery): Buffer {
  const { message } = delivery;
  return typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
}

/** One MQTT client id's session. */
export class MqttSession implements Subscriber {
  readonly id: string;
  protocol: ClientProtocol;
  /** The live connection, or null while a persistent session is away. */
  client: AedesClient | null = null;
  /** Granted QoS per subscription (topic or filter). */
  readonly qos = new Map<string, Qos>();
  /** Why it is being closed from the hub's side, when it is. */
  closing: DisconnectReason | null = null;
  remoteAddress: string | null = null;
  connectedSince: number | null = null;
  readonly registeredAt = Date.now();
  lastSeen = Date.now();
  messagesSent = 0;
  bytesSent = 0;
  dropped = 0;
  published = 0;
  keepalive = 0;
  will: MqttClientInfo['will'] = null;

  constructor(
    readonly clientId: string,
    readonly userId: number | null,
    readonly keyId: string | null,
    public clean: boolean,
    private readonly ctx: SessionContext,
    protocol: ClientProtocol,
  ) {
    this.id = `mqtt:${clientId}`;
    this.protocol = protocol;
  }

  /** The highest QoS among its subscriptions that match `topic`. */
  grantedFor(topic: string): Qos {
    const exact = this.qos.get(topic);
    if (exact === 2 || this.qos.size === 1) return exact ?? this.#matching(topic);
    return Math.max(exact ?? 0, this.#matching(topic)) as Qos;
  }

  #matching(topic: string): Qos {
    let best: Qos = 0;
    for (const [filter, qos] of this.qos) if (qos > best && filterMatches(filter, topic)) best = qos;
    return best;
  }

  deliver(delivery: Delivery): boolean {
    const qos = Math.min(delivery.qos, this.grantedFor(delivery.topic)) as Qos;
    const client = this.client;
    if (client === null) {
      // Away: a persistent session keeps QoS 1/2 messages for later; QoS 0 ones are not kept.
      if (qos === 0 || this.clean) return false;
      this.ctx.store.enqueue(this.clientId, this.#packet(delivery, qos, { id: 'offline', counter: 0 }));
      return true;
    }
    if (client.closed || client.conn.destroyed) return false;
    const conn = client.conn;
    if (conn.writableLength > this.ctx.maxBufferedBytes) {
      this.dropped++;
      this.ctx.dropped(this);
      if (this.ctx.policy === 'close') this.ctx.slow(this);
      return false;
    }
    const bytes = delivery.message.length;
    this.messagesSent++;
    this.bytesSent += bytes;
    this.ctx.sent('publish');
    if (qos === 0) {
      conn.write(qos0Frame(delivery));
      return true;
    }
    client.publish(this.#packet(delivery, qos, client.broker) as never, noop);
    return true;
  }

  #packet(delivery: Delivery, qos: Qos, broker: { id: string; counter: number }): StoredPacket {
    const packet: StoredPacket = {
      cmd: 'publish',
      topic: delivery.topic,
      payload: payloadOf(delivery),
      qos,
      retain: delivery.retained,
      dup: false,
    };
    if (broker.id === 'offline') {
      // Queued while away: an id of its own so that sending it later finds it in the queue.
      packet.brokerId = `offline:${this.clientId}`;
      packet.brokerCounter = ++offlineCounter;
    }
    return packet;
  }

  info(): ClientInfo {
    const topics: string[] = [];
    const filters: string[] = [];
    for (const key of this.qos.keys()) (key.includes('+') || key.includes('#') ? filters : topics).push(key);
    const conn = this.client?.conn;
    const info: ClientInfo = {
      id: this.id,
      userId: this.userId,
      topics,
      connected: this.client !== null,
      remoteAddress: this.remoteAddress,
      connectedSince: this.client !== null ? this.connectedSince : null,
      registeredAt: this.registeredAt,
      messagesSent: this.messagesSent,
      bytesSent: this.bytesSent,
      bufferedBytes: conn?.writableLength ?? 0,
      dropped: this.dropped,
      published: this.published,
      name: this.clientId,
      keyId: this.keyId,
      lastSeen: this.lastSeen,
      everConnected: true,
      protocol: this.protocol,
      mqtt: {
        clientId: this.clientId,
        clean: this.clean,
        keepalive: this.keepalive,
        qos: Object.fromEntries(this.qos),
        will: this.will,
        queued: this.ctx.store.session(this.clientId)?.queue.length ?? 0,
      },
    };
    if (filters.length > 0) info.filters = filters;
    return info;
  }

  close(reason: DisconnectReason): void {
    this.ctx.close(this, reason);
  }

  /**
   * The hub's retained messages of what was just subscribed to (this session's user's, or no
   * user's), each once, with the retain flag: one store for every protocol.
   */
  sendRetained(engine: Engine, filters: readonly string[]): void {
    const sent = new Set<string>();
    for (const filter of filters) {
      const topics = hasWildcard(filter)
        ? engine.topics().flatMap((t) => (t.retained !== null && filterMatches(filter, t.topic) ? [t.topic] : []))
        : [filter];
      for (const topic of topics) {
        const retained = sent.has(topic) ? null : engine.retained(topic);
        if (retained === null || (retained.userId !== undefined && retained.userId !== this.userId)) continue;
        sent.add(topic);
        const { message, userId, ts, offset, qos } = retained;
        const epoch = engine.position(topic)?.epoch ?? '';
        const delivery = new Delivery(topic, message, userId, ts, offset, epoch, true);
        // Its own QoS, capped by the subscription's (MQTT 3.1.1, 3.3.1.3).
        delivery.qos = qos;
        this.deliver(delivery);
      }
    }
  }
}

let offlineCounter = 0;

function noop(): void {}
