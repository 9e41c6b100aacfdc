/**
 * Soak-test bookkeeping (test support, not shipped): every publish stream (a broadcast topic, or
 * one user's targeted messages) numbers its messages; the hub's receipts and what each client
 * socket received are recorded per message, then compared.
 */

/**
 * Most deliveries a purposeful departure (a socket closed or cut on purpose, after its barrier)
 * may lose on average: only messages answered after the departure began can be excused, and a
 * leaving socket reads until its close, so a clean soak loses a few per hundred departures (0.04
 * to 0.12 per departure measured on 2 cores); a hub that held frames back would lose many more.
 */
export const maxLostPerDeparture = 1;

/** One numbered sequence of publishes, sent one at a time, so their order at the hub is known. */
export class Stream {
  /** Messages sent (the next message's number). */
  started = 0;
  /** Messages whose receipt came back. */
  answered = 0;
  /** The receipt's `delivered` per message number (-1 until it comes back). */
  readonly delivered: number[] = [];
  /** How many client sockets received each message. */
  readonly received: number[] = [];
  /**
   * Per message: how many sockets closed on purpose while it was in flight and did not receive
   * it (they may have been counted in `delivered` and still not read it).
   */
  readonly allowance: number[] = [];
  /** True while a publish of this stream is in flight (streams are strictly sequential). */
  busy = false;

  constructor(
    readonly topic: string,
    readonly userId: number | null,
  ) {}

  /** The text of message `seq` (`s3 17` on a broadcast topic, `d <user> 17` for a user). */
  message(seq: number): string {
    return this.userId === null ? `${this.topic} ${seq}` : `${this.topic} ${this.userId} ${seq}`;
  }

  /** Starts the next publish; returns its number. */
  begin(): number {
    const seq = this.started++;
    this.delivered[seq] = -1;
    this.received[seq] ??= 0;
    this.allowance[seq] ??= 0;
    this.busy = true;
    return seq;
  }

  /** Records a receipt. */
  end(seq: number, delivered: number): void {
    this.delivered[seq] = delivered;
    this.answered++;
    this.busy = false;
  }

  /** Counts one socket receiving message `seq`. */
  receive(seq: number): void {
    this.received[seq] = (this.received[seq] ?? 0) + 1;
  }

  /** Allows messages `from..to` to be missing for one socket closed on purpose. */
  allow(from: number, to: number): void {
    for (let seq = Math.max(from, 0); seq <= to; seq++) this.allowance[seq] = (this.allowance[seq] ?? 0) + 1;
  }
}

/** What a stream check found. */
export interface LedgerTotals {
  publishes: number;
  /** Sum of the receipts' `delivered`. */
  delivered: number;
  /** Messages the client sockets received. */
  received: number;
  /** Deliveries to sockets closed on purpose mid-flight that they never read (within the allowance). */
  lostToPurposefulCloses: number;
  /** Barrier messages published (each to one socket's private topic, delivered once). */
  barriers: number;
  /** Problems, each a readable line (the first few are kept). */
  problems: string[];
  problemCount: number;
}

/** Every stream of a soak run: broadcast topics `s0..`, and the direct messages of each user on `d`. */
export class Ledger {
  readonly broadcast: Stream[];
  readonly direct = new Map<number, Stream>();
  readonly #byTopic = new Map<string, Stream>();
  readonly problems: string[] = [];
  problemCount = 0;
  /** Barrier messages published (see SoakSocket.barrier). */
  barriers = 0;
  /** Sockets closed or cut on purpose whose in-flight messages were excused. */
  excusedDepartures = 0;

  constructor(topics: number, users: readonly number[]) {
    this.broadcast = Array.from({ length: topics }, (_, k) => new Stream(`s${k}`, null));
    for (const stream of this.broadcast) this.#byTopic.set(stream.topic, stream);
    for (const user of users) this.direct.set(user, new Stream('d', user));
  }

  /** The stream a broadcast topic or a user's direct messages belong to. */
  stream(topic: string, userId: number | null): Stream | undefined {
    return userId === null ? this.#byTopic.get(topic) : this.direct.get(userId);
  }

  /** Records a problem (kept readable: only the first 20 lines are stored). */
  problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < 20) this.problems.push(text);
  }

  /** Compares receipts with receptions, message by message. */
  totals(): LedgerTotals {
    let publishes = 0;
    let delivered = 0;
    let received = 0;
    let lost = 0;
    for (const stream of [...this.broadcast, ...this.direct.values()]) {
      const name = stream.userId === null ? stream.topic : `user ${stream.userId}`;
      if (stream.answered !== stream.started) this.problem(`${name}: ${stream.started - stream.answered} unanswered`);
      for (let seq = 0; seq < stream.started; seq++) {
        const counted = stream.delivered[seq] ?? -1;
        const got = stream.received[seq] ?? 0;
        const allowed = stream.allowance[seq] ?? 0;
        publishes++;
        delivered += Math.max(counted, 0);
        received += got;
        const missing = counted - got;
        if (missing < 0) this.problem(`${name} #${seq}: received ${got} times, hub delivered ${counted}`);
        else if (missing > allowed) {
          this.problem(`${name} #${seq}: hub delivered ${counted}, received ${got} (only ${allowed} excused)`);
        } else lost += missing;
      }
    }
    if (lost > this.excusedDepartures * maxLostPerDeparture) {
      this.problem(
        `${lost} deliveries lost to ${this.excusedDepartures} purposeful departures: ` +
          `more than ${maxLostPerDeparture} per departure`,
      );
    }
    return {
      publishes,
      delivered,
      received,
      lostToPurposefulCloses: lost,
      barriers: this.barriers,
      problems: this.problems,
      problemCount: this.problemCount,
    };
  }
}
