/**
 * The Redis engine: the engine of a hub in a cluster. Redis gives every publication its place (a
 * script: offset, epoch, history stream, retained key, bus), and every hub, the publishing one
 * included, delivers it when it comes on the bus, so each topic's messages reach every device in
 * one order. Each hub keeps a copy of the streams, fed by the bus, to answer recoveries and history
 * at once; it reloads the copy from Redis when it joins and after every outage.
 *
 * While Redis is unreachable the hub delivers its own publishes to its own devices under a local
 * epoch (devices are told `recovered: false` across it), counted as unshared; nothing waits for
 * Redis. When it rejoins, what other hubs published meanwhile and Redis still holds is delivered
 * late; what Redis no longer holds is counted as missed.
 */
import type { StreamPosition } from '../../../shared/api';
import { newEpoch } from '../core/history/memory';
import type { Entry } from '../core/history/streams';
import type { Deliver, Engine, HistoryLimits, Payload, Published, Qos } from '../core/history/types';
import { decodeWire, encodeHead, type Wire } from './codec';
import { loadStreams, type Loaded } from './load';
import { Receipts, type PublishRequest } from './receipts';
import { Copy, type EngineCluster, type EngineCounters } from './engine-parts';

export type { EngineCluster, EngineCounters } from './engine-parts';

/** Bus messages held while the copy is reloaded, at most (beyond it the hub rejoins again). */
const maxHeldBytes = 64 * 1024 * 1024;
/** How long a subscribe waits for this hub to catch up with the position a device gives, at most. */
const catchUpMs = 500;

const nobody: Deliver = () => 0;

export class RedisEngine implements Engine {
  readonly #copy: Copy;
  #deliver: Deliver = nobody;
  #state: 'joining' | 'active' | 'degraded' = 'joining';
  /** Bus messages that came while the copy was reloaded, in order. */
  #held: Buffer[] | null = null;
  #heldBytes = 0;
  /** Topics that got a local epoch (published here while Redis was unreachable). */
  readonly #localTopics = new Set<string>();
  /** Per topic, the last position the cluster gave: what a rejoin delivers after. */
  #positions = new Map<string, StreamPosition>();
  /** This hub has been a member before (a reload after an outage, not its first join). */
  #joinedOnce = false;
  /** Clears made while Redis was unreachable, sent when it is back (`retained\0t` / `history\0t`). */
  readonly #pendingClears = new Set<string>();
  /**
   * Own publishes delivered here by the fallback after their copy did not come back: not delivered
   * again if it comes after all. True: delivered alone and counted as unshared (until found in Redis).
   */
  readonly #fellBack = new Map<number, boolean>();
  readonly #waiting: { since: Readonly<Record<string, StreamPosition>>; run: () => void; deadline: number }[] = [];
  #waitTimer: NodeJS.Timeout | null = null;
  readonly #receipts: Receipts;
  #limits: HistoryLimits;
  readonly counters: EngineCounters = { unshared: 0, late: 0, missed: 0, received: 0 };

  constructor(
    limits: HistoryLimits,
    private readonly cluster: EngineCluster,
  ) {
    this.#copy = new Copy(limits);
    this.#limits = { ...limits };
    const { link, keys, self } = cluster;
    this.#receipts = new Receipts(
      (hub, text) => void link.redis?.publish(keys.receipts(hub), `${self} ${text}`).catch(() => undefined),
      (request) => this.#fallBack(request),
    );
  }

  /** `joining` (connecting, or reloading the copy), `active`, or `degraded` (Redis unreachable). */
  get state(): 'joining' | 'active' | 'degraded' {
    return this.#state;
  }

  bind(deliver: Deliver): void {
    this.#deliver = deliver;
  }

  publish(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    source: unknown,
    qos: Qos = 0,
  ): Published | Promise<Published> {
    const request: PublishRequest = { topic, message, userId, ts, retain, qos, source };
    const { link, keys, self } = this.cluster;
    if (this.#state === 'degraded' || link.state !== 'up') return this.#alone(request);
    const { seq, receipt } = this.#receipts.open(request, this.cluster.otherHubs());
    // The QoS travels in the head: another hub's MQTT subscribers get it as this hub's do.
    const head = encodeHead(topic, message, userId, ts, retain, self, seq, qos);
    const ttl = Math.ceil(this.#limits.ttlMs / 1000);
    link
      .run(
        'relayPublish',
        ...[keys.meta(topic), keys.stream(topic), keys.retained(topic), keys.topics],
        ...[topic, head, message, this.#limits.perTopic, ttl, retain ? '1' : '0', newEpoch(), keys.bus],
      )
      .then((reply) => {
        const [offset, epoch] = reply as [number, string];
        this.#receipts.placed(seq, Number(offset), String(epoch));
        // Redis went away after taking it: its copy will not come back; delivered here at its place.
        if (this.#state === 'degraded') this.#receipts.failed(seq);
      })
      .catch((error: unknown) => {
        this.cluster.log.warn({ err: String(error), topic }, 'cluster publish failed: delivered on this hub only');
        this.#receipts.failed(seq);
        // Whatever failed, this hub's copy may now be behind: leave and rejoin.
        link.fail(`a publish failed: ${String(error)}`);
      });
    return receipt;
  }

  /** A bus message: a publication (`p`) or a control message for the streams (`c`). */
  onBus(data: Buffer): void {
    if (this.#held !== null) {
      this.#heldBytes += data.length;
      if (this.#heldBytes > maxHeldBytes) {
        this.#held = null;
        this.cluster.link.fail('too much arrived while the cluster state was loading');
        return;
      }
      this.#held.push(data);
      return;
    }
    if (data[0] === 0x70) {
      const wire = decodeWire(data, 1);
      if (wire !== null) this.#apply(wire);
    } else if (data[0] === 0x63) {
      this.onControl(JSON.parse(data.toString('utf8', 1)) as { k?: unknown; t?: unknown });
    }
  }

  /** A control message for the streams: a retained message or a history cleared on some hub. */
  onControl(message: { k?: unknown; t?: unknown }): void {
    if (typeof message.t !== 'string') return;
    if (message.k === 'unretain') this.#copy.clearRetained(message.t);
    else if (message.k === 'clear') this.#copy.clearHistory(message.t);
  }

  /** Counts from another hub for this hub's publishes. */
  onReceipts(data: Buffer): void {
    this.#receipts.answer(data.toString('latin1'));
  }

  /**
   * The link just came up: from now on the bus is held (in order) until the copy is reloaded, so a
   * publication that comes before the reload cannot pass what this hub missed meanwhile.
   */
  hold(): void {
    this.#state = 'joining';
    this.#held = [];
    this.#heldBytes = 0;
  }

  /** Reloads the copy from Redis (the link is up and the bus held), then goes on from the bus. */
  async joined(): Promise<void> {
    const { link, keys, log } = this.cluster;
    if (this.#held === null) this.hold();
    try {
      const redis = link.redis;
      if (redis === null) return;
      for (const clear of [...this.#pendingClears]) {
        const [kind = '', topic = ''] = clear.split('\u0000');
        await this.#tellClear(kind === 'retained' ? 'unretain' : 'clear', topic);
        this.#pendingClears.delete(clear);
      }
      const loaded = await loadStreams(redis, keys, this.#copy.fresh(this.#limits));
      if (link.state !== 'up' || this.#held === null) return;
      this.#adopt(loaded);
    } catch (error) {
      log.error({ err: String(error) }, 'cannot load the cluster state from Redis; rejoining');
      link.fail(`loading failed: ${String(error)}`);
    }
  }

  /** Redis became unreachable: every publish from now on is this hub's alone, until it rejoins. */
  lost(): void {
    this.#state = 'degraded';
    this.#held = null;
    this.#receipts.flushAll();
    this.#wake(true);
  }

  whenCurrent(since: Readonly<Record<string, StreamPosition>> | undefined, run: () => void): void {
    if (this.#waiting.length === 0 && (since === undefined || !this.#behind(since))) {
      run();
      return;
    }
    this.#waiting.push({ since: since ?? {}, run, deadline: performance.now() + catchUpMs });
    this.#waitTimer ??= setInterval(() => this.#wake(), 20);
  }

  clearRetained(topic: string): boolean {
    const had = this.#copy.clearRetained(topic);
    this.#shareClear('retained', topic);
    return had;
  }

  clearHistory(topic: string): number {
    const count = this.#copy.clearHistory(topic);
    this.#shareClear('history', topic);
    return count;
  }

  setLimits(limits: HistoryLimits): void {
    this.#limits = { ...limits };
    this.#copy.setLimits(limits);
  }

  recover(...args: Parameters<Engine['recover']>) {
    return this.#copy.recover(...args);
  }

  history(topic: string, since: number, limit: number) {
    return this.#copy.history(topic, since, limit);
  }

  retained(topic: string) {
    return this.#copy.retained(topic);
  }

  position(topic: string) {
    return this.#copy.position(topic);
  }

  topics() {
    return this.#copy.topics();
  }

  totals() {
    return this.#copy.totals();
  }

  /** Nothing on this hub's disk: the history lives in Redis. */
  storage(): null {
    return null;
  }

  async start(): Promise<void> {
    this.#copy.start();
    await this.cluster.start();
  }

  async close(): Promise<void> {
    this.#copy.close();
    this.#receipts.close();
    this.#wake(true);
    if (this.#waitTimer !== null) clearInterval(this.#waitTimer);
    this.#waitTimer = null;
    await this.cluster.close();
    this.#state = 'joining';
  }

  /** One publication from the bus (or late, from a reload), delivered here in the cluster's order. */
  #apply(wire: Wire): void {
    const { topic, epoch, offset, message, userId, ts, retain, qos } = wire;
    const { entry, skipped } = this.#copy.data.place(topic, epoch, offset, message, userId, ts, retain, qos);
    this.#localTopics.delete(topic);
    this.#positions.set(topic, { epoch, offset });
    this.counters.missed += skipped;
    if (entry !== null) this.#deliverOne(entry, epoch, wire.hub, wire.seq, false);
    if (this.#waiting.length > 0) this.#wake();
  }

  #deliverOne(entry: Entry, epoch: string, hub: string, seq: number, late: boolean): void {
    if (hub === this.cluster.self) {
      const fell = this.#fellBack.get(seq);
      if (fell !== undefined) {
        this.#fellBack.delete(seq);
        // Redis had taken it after all (it died before it could say so): it was shared.
        if (fell) this.counters.unshared--;
        return;
      }
      const own = this.#receipts.awaitsOwnCopy(seq);
      const count = this.#deliver(entry, epoch, own ? this.#receipts.sourceOf(seq) : undefined);
      if (own) this.#receipts.own(seq, entry, epoch, count);
      return;
    }
    const count = this.#deliver(entry, epoch, undefined);
    if (late) this.counters.late++;
    else {
      this.counters.received++;
      this.#receipts.owe(hub, seq, count);
    }
  }

  /** Takes the reloaded copy: what other hubs published while this one was away is delivered late. */
  #adopt({ streams, positions, histories }: Loaded): void {
    const late: [Entry, string, string, number][] = [];
    for (const [topic, loaded] of histories) {
      const now = positions.get(topic);
      // A topic this hub had never heard of was started by another hub while this one was away.
      const fresh = this.#joinedOnce && now !== undefined ? { epoch: now.epoch, offset: 0 } : undefined;
      const prior = this.#positions.get(topic) ?? fresh;
      if (prior === undefined || now === undefined || prior.epoch !== now.epoch || now.offset <= prior.offset) continue;
      const after = loaded.filter(({ entry }) => entry.offset > prior.offset);
      this.counters.missed += now.offset - prior.offset - after.length;
      for (const { entry, hub, seq } of after) late.push([entry, now.epoch, hub, seq]);
    }
    this.#copy.data = streams;
    this.#positions = positions;
    this.#localTopics.clear();
    this.#state = 'active';
    this.#joinedOnce = true;
    for (const [entry, epoch, hub, seq] of late) this.#deliverOne(entry, epoch, hub, seq, true);
    const held = this.#held ?? [];
    this.#held = null;
    for (const data of held) this.onBus(data);
    this.#wake();
  }

  /** A publish while Redis is unreachable (or whose script failed): this hub's devices only, under a local epoch. */
  #alone({ topic, message, userId, ts, retain, qos, source }: PublishRequest): Published {
    if (!this.#localTopics.has(topic)) {
      // Offsets this hub gives alone would clash with the cluster's: a new epoch tells devices so.
      this.#copy.data.renewEpoch(topic);
      this.#localTopics.add(topic);
    }
    const { publication, epoch } = this.#copy.append(topic, message, userId, ts, retain, qos);
    this.counters.unshared++;
    const delivered = this.#deliver(publication, epoch, source);
    return {
      publication,
      epoch,
      delivered,
      cluster: { hubs: this.cluster.otherHubs().length + 1, counted: 1, degraded: true },
    };
  }

  /** A publish of this hub whose own copy never came back on the bus (see `Receipts.failed`). */
  #fallBack(request: PublishRequest & { seq: number; placed: { offset: number; epoch: string } | null }): Published {
    this.#fellBack.set(request.seq, request.placed === null);
    // Bounded: only the newest are worth remembering (an old copy would have come back long ago).
    if (this.#fellBack.size > 10_000) this.#fellBack.delete(this.#fellBack.keys().next().value as number);
    const { placed } = request;
    if (placed === null) return this.#alone(request);
    // Redis took it and the other hubs got it: delivered here at its place in the stream, not as unshared.
    const { topic, message, userId, ts, retain, qos, source } = request;
    const { entry } = this.#copy.data.place(topic, placed.epoch, placed.offset, message, userId, ts, retain, qos);
    const publication = entry ?? { topic, offset: placed.offset, ts, message, userId, retain, qos };
    if (entry !== null) this.#positions.set(topic, placed);
    const delivered = entry === null ? 0 : this.#deliver(entry, placed.epoch, source);
    return { publication, epoch: placed.epoch, delivered };
  }

  #shareClear(kind: 'retained' | 'history', topic: string): void {
    if (this.cluster.link.state !== 'up') {
      this.#pendingClears.add(`${kind}\u0000${topic}`);
      return;
    }
    this.#tellClear(kind === 'retained' ? 'unretain' : 'clear', topic).catch(() =>
      this.#pendingClears.add(`${kind}\u0000${topic}`),
    );
  }

  #tellClear(k: 'unretain' | 'clear', topic: string): Promise<unknown> {
    const { link, keys, self } = this.cluster;
    const key = k === 'unretain' ? keys.retained(topic) : keys.stream(topic);
    return link.run('relayDeleteAndTell', key, keys.bus, `c${JSON.stringify({ k, h: self, t: topic })}`);
  }

  /** True when a device asks to recover from further than this hub's copy has got (same epoch). */
  #behind(since: Readonly<Record<string, StreamPosition>>): boolean {
    if (this.#state !== 'active') return false;
    for (const [topic, asked] of Object.entries(since)) {
      const position = this.#copy.position(topic);
      if (position !== null && position.epoch === asked.epoch && asked.offset > position.offset) return true;
    }
    return false;
  }

  /** Runs the waiting subscribes that can go (in order): caught up, out of time, or `all`. */
  #wake(all = false): void {
    const now = performance.now();
    for (let head = this.#waiting[0]; head !== undefined; head = this.#waiting[0]) {
      if (!all && head.deadline > now && this.#behind(head.since)) break;
      this.#waiting.shift();
      head.run();
    }
    if (this.#waiting.length === 0 && this.#waitTimer !== null) {
      clearInterval(this.#waitTimer);
      this.#waitTimer = null;
    }
  }
}
