/**
 * One device socket of the soak test (test support, not shipped): a real `ws` client that checks,
 * per stream, that what it receives is in order with no gap and no duplicate from the first
 * message on, that user-targeted messages are its user's, and that it received every message
 * published while it was known to be connected and subscribed, whatever the hub counted.
 */
import WebSocket from 'ws';
import type { Ledger, Stream } from './ledger';

/** Rejects with `label` when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Per stream: what this socket received, and from where it must receive everything. */
interface Track {
  /** First and last number received (-1: none yet). */
  first: number;
  last: number;
  /**
   * Every message from this number on must arrive (until the socket starts leaving): set when the
   * hub has confirmed the subscription, to the messages started by then. Null until confirmed.
   */
  from: number | null;
}

/** Per stream, how many messages had been answered at a moment: those must have reached a subscriber. */
export type Checkpoint = ReadonlyMap<Stream, number>;

/** Publishes `message` to `topic`; resolves with the receipt's `delivered`. */
export type Publish = (topic: string, message: string) => Promise<number>;

/** A private topic: one socket's own, for barriers (`p17`). */
const isPrivate = (topic: string): boolean => /^p\d+$/.test(topic);

/** A soak client's live socket. */
export class SoakSocket {
  /** Messages received on this socket. */
  received = 0;
  /** Of them, binary messages. */
  binary = 0;
  readonly #tracks = new Map<Stream, Track>();
  readonly #closed: Promise<number>;
  #closeCode: number | null = null;
  /** The topic only this socket subscribes to (barriers go there), once known. */
  #private: string | null = null;
  #barrierArrived: (() => void) | null = null;
  /** Pings in flight, by payload. */
  readonly #pongs = new Map<string, () => void>();
  #pings = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly userId: number,
    private readonly ledger: Ledger,
  ) {
    this.#closed = new Promise((resolve) =>
      ws.once('close', (code: number) => {
        this.#closeCode = code;
        resolve(code);
      }),
    );
    // A binary message carries the bytes of the same text: both are checked alike.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.binary++;
      this.#receive(data.toString());
    });
    ws.on('pong', (data: Buffer) => this.#pongs.get(data.toString())?.());
    ws.on('error', () => {
      // surfaced through 'close' / the open failing
    });
  }

  /**
   * Connects and waits for the open (or rejects after `timeoutMs`). `topics` is the set the
   * registration already has (a reconnect keeps it): its streams are tracked from the first frame,
   * and required from the first message started once the hub has answered a ping on the new socket.
   */
  static async open(
    url: string,
    userId: number,
    ledger: Ledger,
    timeoutMs: number,
    topics: readonly string[] = [],
  ): Promise<SoakSocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const socket = new SoakSocket(ws, userId, ledger);
    socket.#track(topics);
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    try {
      await within(opened, timeoutMs, `open ${url}`);
    } catch (error) {
      ws.terminate();
      throw error;
    }
    if (topics.length > 0) await socket.confirm(timeoutMs);
    return socket;
  }

  /** The close code, once closed. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** Resolves with the close code (rejects after `timeoutMs`). */
  closed(timeoutMs: number): Promise<number> {
    return within(this.#closed, timeoutMs, 'socket close');
  }

  /**
   * Sets the topic set: `d` (the user's direct messages), broadcast topics, and its private topic
   * `p<n>` that only barriers use. Resolves once the hub has applied it (see `confirm`). Streams
   * already tracked keep their state (a superset keeps order checks and requirements).
   */
  async subscribe(topics: readonly string[], timeoutMs: number): Promise<void> {
    this.#track(topics);
    this.ws.send(JSON.stringify({ topics }));
    await this.confirm(timeoutMs);
  }

  /**
   * A ping round trip: the hub handles a socket's frames in order, so its pong says it has applied
   * every topics frame sent before. Messages started after that must reach this socket. A socket
   * that closes first confirms nothing (its close is the soak's business).
   */
  async confirm(timeoutMs: number): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const payload = String(++this.#pings);
    const pong = new Promise<boolean>((resolve) => this.#pongs.set(payload, () => resolve(true)));
    this.ws.ping(payload);
    let confirmed: boolean;
    try {
      confirmed = await within(Promise.race([pong, this.#closed.then(() => false)]), timeoutMs, 'pong');
    } finally {
      this.#pongs.delete(payload);
    }
    if (!confirmed) return;
    for (const [stream, track] of this.#tracks) track.from ??= stream.started;
  }

  /** How many messages of each tracked stream have been answered by now. */
  checkpoint(): Checkpoint {
    return new Map([...this.#tracks.keys()].map((stream) => [stream, stream.answered]));
  }

  /**
   * Before a departure: publishes a barrier to this socket's private topic (through `publish`) and
   * waits for it. The hub writes a socket's messages in the order it handled their publishes, so
   * every message answered before the barrier was sent has arrived before it; any missing one is
   * a problem. Returns that checkpoint (the point from which in-flight losses may be excused).
   */
  async barrier(publish: Publish, timeoutMs: number): Promise<Checkpoint> {
    const upTo = this.checkpoint();
    const topic = this.#private;
    if (topic === null) throw new Error('barrier before a private topic was subscribed');
    const arrived = new Promise<boolean>((resolve) => (this.#barrierArrived = () => resolve(true)));
    const delivered = await publish(topic, `${topic} barrier`);
    this.ledger.barriers++;
    if (delivered !== 1) {
      this.ledger.problem(`user ${this.userId}: a barrier to ${topic} was delivered ${delivered} times`);
      return upTo;
    }
    if (await within(Promise.race([arrived, this.#closed.then(() => false)]), timeoutMs, `barrier ${topic}`)) {
      this.verify(upTo);
    }
    return upTo;
  }

  /**
   * Records a problem for every stream whose required messages (from its confirmed subscription to
   * the checkpoint `upTo`) did not all arrive: a subscriber the hub stopped serving, counted or not.
   */
  verify(upTo: Checkpoint): void {
    for (const [stream, track] of this.#tracks) {
      const to = (upTo.get(stream) ?? 0) - 1;
      if (track.from === null || to < track.from) continue;
      if (track.first !== -1 && track.first <= track.from && track.last >= to) continue;
      const name = stream.userId === null ? stream.topic : `user ${stream.userId}'s messages`;
      const got = track.first === -1 ? 'nothing' : `#${track.first}..#${track.last}`;
      this.ledger.problem(
        `${name}: a socket of user ${this.userId} received ${got}, not every one of #${track.from}..#${to}`,
      );
    }
  }

  /**
   * After a purposeful close and a barrier past which the hub cannot deliver to this socket any
   * more (its registration removed, or a newer socket attached): the messages it did not receive,
   * answered after `upTo` (its departure began) up to the last one started, are excused.
   */
  excuseInFlight(upTo: Checkpoint): void {
    this.ledger.excusedDepartures++;
    for (const [stream, track] of this.#tracks) {
      stream.allow(Math.max(track.last + 1, upTo.get(stream) ?? 0), stream.started - 1);
    }
  }

  #track(topics: readonly string[]): void {
    for (const topic of topics) {
      if (isPrivate(topic)) this.#private = topic;
      const stream = this.ledger.stream(topic, topic === 'd' ? this.userId : null);
      if (stream && !this.#tracks.has(stream)) this.#tracks.set(stream, { first: -1, last: -1, from: null });
    }
  }

  #receive(text: string): void {
    this.received++;
    const parts = text.split(' ');
    const topic = parts[0] ?? '';
    if (isPrivate(topic) && topic === this.#private && parts[1] === 'barrier') {
      this.#barrierArrived?.();
      return;
    }
    const direct = topic === 'd';
    const seq = Number(direct ? parts[2] : parts[1]);
    const user = direct ? Number(parts[1]) : null;
    if (direct && user !== this.userId) {
      this.ledger.problem(`user ${this.userId} received user ${String(user)}'s message: ${text.slice(0, 80)}`);
      return;
    }
    const stream = this.ledger.stream(topic, direct ? this.userId : null);
    if (!stream || !Number.isInteger(seq)) {
      this.ledger.problem(`unexpected frame: ${text.slice(0, 120)}`);
      return;
    }
    stream.receive(seq);
    const track = this.#tracks.get(stream);
    if (!track) {
      this.ledger.problem(`${text}: received on a socket never subscribed to ${topic}`);
      return;
    }
    if (track.last >= 0 && seq !== track.last + 1) {
      const what = seq <= track.last ? 'out of order or duplicate' : `gap of ${seq - track.last - 1}`;
      this.ledger.problem(`${text}: after #${track.last} (${what}), user ${this.userId}`);
    }
    if (track.first === -1) track.first = seq;
    track.last = seq;
  }
}
