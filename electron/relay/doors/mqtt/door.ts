/**
 * The MQTT door: MQTT 3.1/3.1.1 clients (over TCP, TLS or a WebSocket at `/mqtt`) on the hub's
 * one topic space. aedes (with mqtt-packet) speaks the protocol: CONNECT, keep-alive, QoS
 * handshakes, sessions. The hub does the rest, once for every protocol:
 *
 * - every PUBLISH goes through `hub.publish()` in aedes' `authorizePublish` hook, which runs
 *   before aedes acknowledges, so PUBACK/PUBREC come after the history append (the hub's
 *   receipt); aedes' own routing is switched off (`publish` and `subscribe` of the broker do
 *   nothing), so there is one fan-out: the core's;
 * - every will is the core's, one implementation with every door's (`wills.ts`): aedes never
 *   sees one, the door tells the core how each connection ended;
 * - every session is one core `Subscriber` (`session.ts`) that the core delivers to by exact
 *   topic or by filter, only a targeted publish's user's;
 * - retained messages are the hub's (sent on SUBSCRIBE by the door, filtered by user).
 *
 * MQTT 5 is not supported by aedes: a v5 CONNECT gets CONNACK return code 1 and is closed.
 */
import { Aedes, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Duplex } from 'node:stream';
import type { DisconnectReason } from '../../../../shared/api';
import type { ClientProtocol } from '../../../../shared/hub';
import { filterProblem } from '../../../../shared/topic-filter';
import { fullBucket, takeToken, type Bucket } from '../../core/clients/bucket';
import type { Hub } from '../../core/hub';
import { topicAllowed } from '../../core/access/keys';
import { type SessionStore } from './persistence';
import { MqttSession, type AedesClient, type SessionContext } from './session';
import { identify, limitPacketSize, remoteOf, split, textOrBytes, type Identity } from './wire';
import { mqttCode, type Qos } from './codes';
import { mqttRefusal, mqttWillOwner, publishAsMqtt } from './publish';
import { MqttWills } from './wills';

/** An MQTT broker speaking for one hub. */
export class MqttDoor {
  readonly broker: Aedes;
  readonly store: SessionStore;
  readonly #sessions = new Map<string, MqttSession>();
  readonly #identities = new WeakMap<Client, Identity>();
  readonly #protocols = new WeakMap<Duplex, ClientProtocol>();
  readonly #buckets = new WeakMap<Client, Bucket>();
  readonly #timedOut = new WeakSet<Client>();
  /** Connections past their CONNACK, until their socket closes. */
  readonly #live = new Set<Client>();
  readonly #ctx: SessionContext;
  readonly #wills: MqttWills;
  #sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly hub: Hub,
    store: SessionStore,
  ) {
    const { options } = hub;
    const counters = hub.counters.mqtt;
    this.store = store;
    this.#wills = new MqttWills(hub.wills);
    this.#ctx = {
      store: this.store,
      get maxBufferedBytes() {
        return options.maxBufferedBytes;
      },
      get policy() {
        return options.slowConsumerPolicy;
      },
      dropped: () => counters.dropped++,
      slow: (session) => this.#end(session, 'slow_consumer', false),
      close: (session, reason) => this.#end(session, reason, true),
      sent: (type) => counters.packetsOut.set(type, (counters.packetsOut.get(type) ?? 0) + 1),
    };
    this.broker = new Aedes({
      persistence: this.store,
      connectTimeout: 10_000,
      heartbeatInterval: 3_600_000,
      maxClientsIdLength: 256,
      preConnect: (client, packet, done) => {
        this.#wills.take(client, packet);
        done(null, true);
      },
      authenticate: (client, username, password, done) => this.#authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.#publish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => this.#authorizeSubscribe(client, sub, done),
    });
    // One fan-out, the hub's: aedes' own routing of publishes is off.
    const broker = this.broker as unknown as Record<string, unknown>;
    broker.publish = (_packet: unknown, client: unknown, done?: (error?: Error | null) => void) => {
      const callback = typeof client === 'function' ? (client as typeof done) : done;
      callback?.(null);
    };
    broker.subscribe = (_topic: string, _func: unknown, done?: () => void) => done?.();
    broker.unsubscribe = (_topic: string, _func: unknown, done?: () => void) => done?.();
    // A connection with a live client's id takes over: the older one's will fires unless its session goes on.
    const aedes = this.broker as unknown as { registerClient(c: Client): void; clients: Record<string, Client> };
    const register = aedes.registerClient.bind(aedes);
    aedes.registerClient = (client) => {
      const older = aedes.clients[client.id];
      if (older !== undefined && older !== client) this.#wills.replaced(older, !this.#resumes(older, client));
      register(client);
    };
    this.#listen();
    // Persistent sessions stored before a restart: subscribers again, away until they reconnect.
    for (const [clientId, stored] of this.store.sessions()) {
      const session = new MqttSession(clientId, stored.userId, stored.keyId, false, this.#ctx, 'mqtt');
      for (const [topic, qos] of stored.subs) session.qos.set(topic, qos);
      this.#adopt(session, false);
    }
    counters.sessions = this.store.sessions().size;
  }

  /** Starts the broker (its timers); the listeners call `handle`. */
  async start(): Promise<void> {
    await this.broker.listen();
    // Keys revoked or expired: their MQTT clients go within a second.
    this.#sweep = setInterval(() => this.#sweepKeys(), 1_000);
    this.#sweep.unref();
  }

  /** Serves one connection (a TCP or TLS socket, or a WebSocket's stream). */
  handle(stream: Duplex, protocol: ClientProtocol, remoteAddress: string | undefined): void {
    this.#protocols.set(stream, protocol);
    const client = this.broker.handle(stream) as AedesClient;
    (client as unknown as { remote: string | null }).remote = remoteAddress ?? null;
    limitPacketSize(client, this.#maxPacketBytes());
    const packetsIn = this.hub.counters.mqtt.packetsIn;
    (client as unknown as { _parser: NodeJS.EventEmitter })._parser.on('packet', (packet: { cmd: string }) => {
      packetsIn.set(packet.cmd, (packetsIn.get(packet.cmd) ?? 0) + 1);
    });
  }

  /**
   * Closes every connection and leaves the hub (persistent sessions stay in the store, and come
   * back with the next start's door).
   */
  async stop(): Promise<void> {
    if (this.#sweep !== null) clearInterval(this.#sweep);
    this.#sweep = null;
    for (const session of this.#sessions.values()) session.closing = 'shutdown';
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    for (const session of [...this.#sessions.values()]) {
      this.#sessions.delete(session.clientId);
      this.hub.doorClients.detach(session, 'shutdown', 1001);
    }
    this.#live.clear();
    this.hub.counters.mqtt.connections = 0;
    this.store.flush();
  }

  /** Live MQTT connections. */
  get connections(): number {
    return this.hub.counters.mqtt.connections;
  }

  #maxPacketBytes(): number {
    const { maxMessageBytes, maxTopicLength } = this.hub.options;
    return maxMessageBytes + 4 * maxTopicLength + 64;
  }

  #listen(): void {
    const { broker, hub } = this;
    const counters = hub.counters.mqtt;
    const note = (map: Map<string, number>, type: string): void => void map.set(type, (map.get(type) ?? 0) + 1);
    // The session starts with the CONNACK: the client may SUBSCRIBE before aedes calls it ready.
    broker.on('connackSent', (packet, client) => {
      if (packet.returnCode === 0) this.#ready(client as AedesClient);
    });
    broker.on('clientDisconnect', (client) => this.#gone(client as AedesClient));
    broker.on('keepaliveTimeout', (client) => {
      this.#timedOut.add(client);
      hub.log.warn({ client: `mqtt:${client.id}` }, 'MQTT keep-alive timeout');
    });
    broker.on('subscribe', (subs, client) => this.#subscribed(client as AedesClient, subs));
    broker.on('unsubscribe', (topics, client) => this.#unsubscribed(client as AedesClient, topics));
    broker.on('connackSent', () => note(counters.packetsOut, 'connack'));
    // One line per bad connection; the hub keeps serving everyone else.
    broker.on('clientError', (client, error) => {
      if (!this.#timedOut.has(client))
        hub.log.info({ client: `mqtt:${client.id}`, err: error.message }, 'MQTT client error');
    });
    broker.on('connectionError', (client, error) => {
      hub.noteRejected('mqtt_protocol_error');
      hub.log.info({ remote: remoteOf(client), err: error.message }, 'MQTT connection refused');
    });
  }

  #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: (Error & { returnCode: number }) | null, ok: boolean | null) => void,
  ): void {
    const refuse = (returnCode: number, message: string): void => {
      this.hub.noteRejected(returnCode === 3 ? 'too_many_connections' : 'unauthorized');
      done(Object.assign(new Error(message), { returnCode }), null);
    };
    const { maxConnections } = this.hub.options;
    if (maxConnections > 0 && this.hub.connections().size + this.connections >= maxConnections) {
      refuse(3, `the hub holds its maximum of ${maxConnections} connections`);
      return;
    }
    const identity = identify(this.hub, username, password?.toString('utf8'));
    if (identity === null) {
      refuse(5, 'send a device key secret (or the access token) as the MQTT password');
      return;
    }
    this.#identities.set(client, identity);
    done(null, true);
  }

  /** aedes calls this before acknowledging a PUBLISH: the hub publishes it here. */
  #publish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    const hub = this.hub;
    const session = client === null ? undefined : this.#sessions.get(client.id);
    const inflight = (client as { _inboundInflight?: Set<number> } | null)?._inboundInflight;
    // A QoS 2 retransmission of a message still awaiting PUBREL: published already.
    if (packet.qos === 2 && packet.messageId !== undefined && inflight?.has(packet.messageId) === true) {
      done(null);
      return;
    }
    const { topic, qos, retain } = packet;
    const message = textOrBytes(packet.payload);
    const key = client === null ? null : (this.#identities.get(client)?.key ?? null);
    const refused = mqttRefusal(hub, key, topic, message);
    // MQTT 3.1.1 has no negative PUBACK: what the hub refuses is acknowledged and dropped, and counted
    // (a topic MQTT may not publish on is a protocol error: the connection is closed).
    const drop = (code: string, text: string): void => {
      hub.noteRejected(code);
      hub.log.info({ client: session?.id, topic, code }, text);
      done(code === 'invalid_topic' ? new Error(text) : null);
    };
    if (refused !== null) return drop(refused.code, refused.message);
    if (client !== null && !this.#takeToken(client)) return drop('rate_limited', 'MQTT publish rate limited');
    try {
      const receipt = publishAsMqtt(hub, session, topic, message, qos, retain);
      // PUBACK / PUBREC only once the hub holds it (in a cluster: once the hubs have counted).
      if (receipt instanceof Promise)
        receipt.then(
          () => done(null),
          (error: Error) => done(error),
        );
      else done(null);
    } catch (error) {
      done(error as Error);
    }
  }

  #takeToken(client: Client): boolean {
    const { devicePublishRatePerSec: rate, devicePublishBurst: burst } = this.hub.options;
    if (rate === 0) return true;
    const now = Date.now();
    let bucket = this.#buckets.get(client);
    if (bucket === undefined) this.#buckets.set(client, (bucket = fullBucket(burst, now)));
    return takeToken(bucket, now, rate, burst) === 0;
  }

  #authorizeSubscribe(
    client: Client,
    sub: Subscription,
    done: (error: Error | null, sub?: Subscription | null) => void,
  ): void {
    const key = this.#identities.get(client)?.key ?? null;
    const { topic } = sub;
    // A malformed filter (`a/#/b`, `a+`) is a protocol violation: the connection is closed.
    const problem = filterProblem(topic);
    if (problem !== null) {
      this.hub.noteRejected('invalid_topic');
      done(new Error(problem));
      return;
    }
    // SUBACK 0x80 for a filter the hub refuses: too long, or outside the key's scope.
    const refused =
      topic.length > this.hub.options.maxTopicLength || (key !== null && !topicAllowed(key.subscribe, topic));
    if (refused) this.hub.noteRejected('forbidden');
    done(null, refused ? null : sub);
  }

  #ready(client: AedesClient): void {
    const identity = this.#identities.get(client) ?? { userId: null, key: null };
    const owner = mqttWillOwner(this.hub, client.id, identity, () => this.#sessions.get(client.id));
    const will = this.#wills.connected(client, owner);
    if (client.closed || client.conn.destroyed) {
      // Gone between the CONNACK and now (its socket's close has passed: nothing to wait for).
      this.#wills.ended(client, null, this.#timedOut.has(client));
      return;
    }
    const protocol = this.#protocols.get(client.conn) ?? 'mqtt';
    const keyId = identity.key?.id ?? null;
    let session = this.#sessions.get(client.id);
    if (session !== undefined && (client.clean || session.userId !== identity.userId || session.keyId !== keyId)) {
      this.#drop(session, 'replaced', mqttCode.normal);
      session = undefined;
    }
    const counters = this.hub.counters.mqtt;
    // Counted from the CONNACK to the socket's close, whatever aedes says in between (a client
    // taken over by another with its id is never "disconnected" by aedes).
    if (!this.#live.has(client)) {
      this.#live.add(client);
      counters.connections = this.#live.size;
      client.conn.once('close', () => {
        this.#live.delete(client);
        counters.connections = this.#live.size;
        this.#gone(client);
      });
    }
    const fresh = session === undefined;
    session ??= new MqttSession(client.id, identity.userId, keyId, client.clean, this.#ctx, protocol);
    session.client = client;
    session.protocol = protocol;
    session.clean = client.clean;
    session.closing = null;
    session.remoteAddress = remoteOf(client);
    session.connectedSince = session.lastSeen = Date.now();
    session.keepalive = Math.max(0, Math.round(((client._keepaliveInterval ?? 0) - 1) / 1500));
    session.will = will;
    if (!client.clean) this.store.own(client.id, identity.userId, keyId);
    // Subscriptions restored from a persistent session.
    const restored = (client as unknown as { subscriptions: Record<string, { qos: Qos }> }).subscriptions;
    for (const [topic, { qos }] of Object.entries(restored)) session.qos.set(topic, qos);
    if (fresh) this.#adopt(session, true);
    else {
      this.hub.doors.subscribe(session, split(session.qos.keys()));
      this.hub.doorClients.linked(session, true);
    }
    counters.sessions = this.store.sessions().size;
  }

  #adopt(session: MqttSession, online: boolean): void {
    if (!this.hub.doorClients.attach(session)) return;
    this.#sessions.set(session.clientId, session);
    this.hub.doors.subscribe(session, split(session.qos.keys()));
    if (!online) this.hub.doorClients.linked(session, false, 'shutdown', mqttCode.normal);
  }

  #gone(client: AedesClient): void {
    const session = this.#sessions.get(client.id);
    const mine = session !== undefined && session.client === client;
    // Told to the core once per connection (its will fires or not), whoever holds the session now.
    const end = this.#wills.ended(client, mine ? session.closing : null, this.#timedOut.has(client));
    if (!mine) return;
    session.client = null;
    session.lastSeen = Date.now();
    const { reason, code } = end;
    const forget = session.closing === 'unregistered' || session.closing === 'revoked';
    if (session.clean || forget) this.#drop(session, reason, code);
    else this.hub.doorClients.linked(session, false, reason, code);
  }

  /** True when `newer` (same client id) resumes the session of `older`: both persistent, same user and key. */
  #resumes(older: Client, newer: Client): boolean {
    const [was, is] = [this.#identities.get(older), this.#identities.get(newer)];
    return !older.clean && !newer.clean && was?.userId === is?.userId && was?.key?.id === is?.key?.id;
  }

  /** Removes a session for good (a clean one's end, the operator's unregister, a revoked key). */
  #drop(session: MqttSession, reason: DisconnectReason, code: number): void {
    if (this.#sessions.get(session.clientId) === session) this.#sessions.delete(session.clientId);
    this.hub.doorClients.detach(session, reason, code);
    if (!session.clean || reason === 'unregistered' || reason === 'revoked') this.store.forget(session.clientId);
    this.hub.counters.mqtt.sessions = this.store.sessions().size;
  }

  /** Ends a session from the hub's side; `forget`: a persistent session goes too. */
  #end(session: MqttSession, reason: DisconnectReason, forget: boolean): void {
    session.closing = reason;
    const client = session.client;
    if (client !== null) client.close();
    else if (forget) this.#drop(session, reason, reason === 'revoked' ? mqttCode.revoked : mqttCode.unregistered);
  }

  #subscribed(client: AedesClient, subs: Subscription[]): void {
    const session = this.#sessions.get(client.id);
    if (session === undefined || session.client !== client) return;
    const granted = subs.filter((sub) => (sub.qos as number) !== 128);
    for (const { topic, qos } of granted) session.qos.set(topic, qos);
    this.hub.doors.subscribe(session, split(granted.map((sub) => sub.topic)));
    this.hub.doorClients.changed(session);
    session.sendRetained(
      this.hub.engine,
      granted.map((sub) => sub.topic),
    );
  }

  #unsubscribed(client: AedesClient, topics: string[]): void {
    const session = this.#sessions.get(client.id);
    if (session === undefined || session.client !== client) return;
    for (const topic of topics) session.qos.delete(topic);
    this.hub.doors.unsubscribe(session, split(topics));
    this.hub.doorClients.changed(session);
  }

  #sweepKeys(): void {
    for (const session of this.#sessions.values()) {
      if (session.keyId !== null && !this.hub.keys.valid(session.keyId)) this.#end(session, 'revoked', true);
    }
  }
}
