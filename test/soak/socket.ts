/**
 * One device socket of the soak test (test support, not shipped): a real `ws` client that checks,
 * per stream, that what it receives is in order with no gap and no duplicate from the first
 * message on, and that user-targeted messages are its user's.
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

/** Per stream: the last number received, and where missing messages start being excusable. */
interface Track {
  last: number;
  /** Messages answered before the subscription was sent cannot have been delivered to this socket. */
  answeredAtSubscribe: number;
}

/** A soak client's live socket. */
export class SoakSocket {
  /** Messages received on this socket. */
  received = 0;
  readonly #tracks = new Map<Stream, Track>();
  readonly #closed: Promise<number>;
  #closeCode: number | null = null;

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
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#receive(isBinary ? '<binary>' : data.toString()));
    ws.on('error', () => {
      // surfaced through 'close' / the open failing
    });
  }

  /**
   * Connects and waits for the open (or rejects after `timeoutMs`). `topics` is the set the
   * registration already has (a reconnect keeps it): its streams are tracked from the first frame.
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
   * Sets the topic set: `d` (the user's direct messages), broadcast topics, and any other topic
   * nobody publishes to. Streams already tracked keep their state (a superset keeps order checks).
   */
  subscribe(topics: readonly string[]): void {
    this.#track(topics);
    this.ws.send(JSON.stringify({ topics }));
  }

  #track(topics: readonly string[]): void {
    for (const topic of topics) {
      const stream = this.ledger.stream(topic, topic === 'd' ? this.userId : null);
      if (stream && !this.#tracks.has(stream))
        this.#tracks.set(stream, { last: -1, answeredAtSubscribe: stream.answered });
    }
  }

  /**
   * After a purposeful close and a barrier past which the hub cannot deliver to this socket any
   * more (its registration removed, or a newer socket attached): the messages it did not receive,
   * from its last one (or its subscription) to the last one started, are excused.
   */
  excuseInFlight(): void {
    for (const [stream, track] of this.#tracks) {
      const from = track.last >= 0 ? track.last + 1 : track.answeredAtSubscribe;
      stream.allow(from, stream.started - 1);
    }
  }

  #receive(text: string): void {
    this.received++;
    const parts = text.split(' ');
    const topic = parts[0] ?? '';
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
    track.last = seq;
  }
}
