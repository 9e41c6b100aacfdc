/**
 * Every topic's stream in memory: its epoch, last offset, history window and retained message,
 * with the bounds applied (messages per topic at each append, a hub-wide byte budget, an age
 * limit in the background). Both engines keep their streams here; the disk engine also learns
 * when a kept publication dies (neither in the history nor retained) to free its log space.
 */
import type { StreamPosition } from '../../../../shared/api';
import { Deque } from './deque';
import type { HistoryLimits, Payload, Publication, Qos, Recovery, TopicHistory } from './types';

/** A publication as the streams keep it, with its bookkeeping. */
export interface Entry extends Publication {
  /** What it counts against the byte budget. */
  readonly bytes: number;
  /** Still in its topic's history window. */
  inHistory: boolean;
  /** Its topic's retained message. */
  isRetained: boolean;
  /** The log segment that holds it (disk engine), -1 when none. */
  segment: number;
}

/** One topic. */
interface Stream {
  epoch: string;
  lastOffset: number;
  readonly history: Deque<Entry>;
  bytes: number;
  retained: Entry | null;
}

/** Per-message overhead counted against the byte budget (offset, time, flags, object). */
const entryOverhead = 64;

/** What a publication counts against the byte budget. */
export function entryBytes(topic: string, message: Payload): number {
  return Buffer.byteLength(message) + topic.length + entryOverhead;
}

/** The publication a stream keeps: not yet in the history nor retained, in no log segment (-1). */
export function newEntry(
  publication: Pick<Entry, 'topic' | 'offset' | 'ts' | 'message' | 'userId' | 'retain' | 'qos'>,
  segment = -1,
): Entry {
  const { topic, offset, ts, message, userId, retain, qos } = publication;
  // One literal, one shape: every entry has the same hidden class (a spread would not promise it).
  const bytes = entryBytes(topic, message);
  return { topic, offset, ts, message, userId, retain, qos, bytes, inHistory: false, isRetained: false, segment };
}

/** Hooks of the streams' owner. */
export interface StreamHooks {
  /** A new epoch for a stream that starts (or restarts after its history was lost). */
  newEpoch(): string;
  /** A kept publication is no longer needed (left the history, and is not retained). */
  onDead?(entry: Entry): void;
}

export class Streams {
  readonly #topics = new Map<string, Stream>();
  /** Every publication in the history, in publish order (entries evicted by count are skipped lazily). */
  readonly #order = new Deque<Entry>();
  #bytes = 0;
  #messages = 0;
  #limits: HistoryLimits;

  constructor(
    limits: HistoryLimits,
    private readonly hooks: StreamHooks,
  ) {
    this.#limits = { ...limits };
  }

  get limits(): Readonly<HistoryLimits> {
    return this.#limits;
  }

  /** The topic's stream, created (offset 0, a new epoch) when it has none. */
  stream(topic: string): Stream {
    let stream = this.#topics.get(topic);
    if (stream === undefined) {
      stream = { epoch: this.hooks.newEpoch(), lastOffset: 0, history: new Deque(), bytes: 0, retained: null };
      this.#topics.set(topic, stream);
    }
    return stream;
  }

  /** Sets a stream's epoch and last offset as a log recorded them (loading). */
  restoreStream(topic: string, epoch: string, lastOffset: number): void {
    const stream = this.stream(topic);
    stream.epoch = epoch;
    stream.lastOffset = Math.max(stream.lastOffset, lastOffset);
  }

  /** The position of a topic that has a stream. */
  position(topic: string): StreamPosition | null {
    const stream = this.#topics.get(topic);
    return stream === undefined ? null : { offset: stream.lastOffset, epoch: stream.epoch };
  }

  /** Appends a new publication at the topic's next offset; returns it (the caller logs it when it is live). */
  append(topic: string, message: Payload, userId: number | undefined, ts: number, retain: boolean, qos: Qos): Entry {
    const stream = this.stream(topic);
    const entry = newEntry({ topic, offset: ++stream.lastOffset, ts, message, userId, retain, qos });
    this.#keep(stream, entry);
    return entry;
  }

  /**
   * Keeps a publication whose place was given elsewhere (a cluster hub's copy of the streams, fed by
   * Redis in order): normally the next offset of its topic. Another epoch starts the topic afresh;
   * a gap (offsets this copy never got) empties its history first, as its offsets must stay
   * consecutive. Returns the entry (null when this copy already has that offset) and how many
   * offsets were skipped.
   */
  place(
    topic: string,
    epoch: string,
    offset: number,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    qos: Qos,
  ): { entry: Entry | null; skipped: number } {
    const stream = this.stream(topic);
    let skipped = 0;
    if (stream.epoch !== epoch) {
      this.#emptyHistory(stream);
      this.#setRetained(stream, null);
      stream.epoch = epoch;
      stream.lastOffset = offset - 1;
    } else if (offset <= stream.lastOffset) {
      return { entry: null, skipped };
    } else if (offset > stream.lastOffset + 1) {
      skipped = offset - stream.lastOffset - 1;
      this.#emptyHistory(stream);
      stream.lastOffset = offset - 1;
    }
    const entry = newEntry({ topic, offset: ++stream.lastOffset, ts, message, userId, retain, qos });
    this.#keep(stream, entry);
    return { entry, skipped };
  }

  #emptyHistory(stream: Stream): void {
    while (stream.history.length > 0) this.#leaveHistory(stream, stream.history.shift() as Entry);
    this.#compactOrder();
  }

  /**
   * Puts back a publication a log recorded (loading): into the history (oldest first, consecutive
   * offsets per topic), as the topic's retained message, or both. The limits apply as at an append.
   */
  restore(entry: Entry, asHistory: boolean, asRetained: boolean): void {
    const stream = this.stream(entry.topic);
    stream.lastOffset = Math.max(stream.lastOffset, entry.offset);
    if (asRetained) this.#setRetained(stream, entry);
    if (asHistory) this.#intoHistory(stream, entry);
  }

  #keep(stream: Stream, entry: Entry): void {
    if (entry.retain) this.#setRetained(stream, entry.message.length === 0 ? null : entry);
    this.#intoHistory(stream, entry);
  }

  #intoHistory(stream: Stream, entry: Entry): void {
    const { perTopic, maxBytes } = this.#limits;
    if (perTopic > 0) {
      entry.inHistory = true;
      stream.history.push(entry);
      stream.bytes += entry.bytes;
      this.#order.push(entry);
      this.#bytes += entry.bytes;
      this.#messages++;
      while (stream.history.length > perTopic) this.#leaveHistory(stream, stream.history.shift() as Entry);
    }
    if (maxBytes > 0) this.#evictFromHead(() => this.#bytes > maxBytes, Number.POSITIVE_INFINITY);
    this.#compactOrder();
  }

  /** Clears the retained message of a topic; false when it had none. */
  clearRetained(topic: string): boolean {
    const stream = this.#topics.get(topic);
    if (stream?.retained == null) return false;
    this.#setRetained(stream, null);
    return true;
  }

  /** Empties a topic's history; returns how many messages left it. */
  clearHistory(topic: string): number {
    const stream = this.#topics.get(topic);
    if (stream === undefined) return 0;
    const count = stream.history.length;
    this.#emptyHistory(stream);
    return count;
  }

  /** Evicts what is older than the age limit, for at most `budgetMs`; true when more is left to do. */
  evictExpired(now: number, budgetMs: number): boolean {
    const { ttlMs } = this.#limits;
    if (ttlMs <= 0) return false;
    const before = now - ttlMs;
    return this.#evictFromHead((head) => head.ts < before, budgetMs);
  }

  /** Applies new limits, evicting at once what they no longer allow. */
  setLimits(limits: HistoryLimits): void {
    this.#limits = { ...limits };
    for (const stream of this.#topics.values()) {
      const keep = limits.perTopic;
      while (stream.history.length > keep) this.#leaveHistory(stream, stream.history.shift() as Entry);
    }
    if (limits.maxBytes > 0) this.#evictFromHead(() => this.#bytes > limits.maxBytes, Number.POSITIVE_INFINITY);
    this.#compactOrder();
  }

  /** The publications after `since` for `userId`, when the topic's history holds every one of them. */
  recover(topic: string, since: StreamPosition, userId: number): Recovery {
    const stream = this.stream(topic);
    const position = { offset: stream.lastOffset, epoch: stream.epoch };
    const notRecovered: Recovery = { recovered: false, publications: [], position };
    if (since.epoch !== stream.epoch || since.offset > stream.lastOffset) return notRecovered;
    if (since.offset === stream.lastOffset) return { recovered: true, publications: [], position };
    const first = stream.history.peek();
    const last = stream.history.at(stream.history.length - 1);
    // Offsets in a history are consecutive: it covers the gap when it starts right after `since`
    // and ends at the last offset (with the history off, or just cleared, it cannot).
    if (first === undefined || first.offset > since.offset + 1 || last?.offset !== stream.lastOffset) {
      return notRecovered;
    }
    const publications: Publication[] = [];
    for (let i = since.offset + 1 - first.offset; i < stream.history.length; i++) {
      const entry = stream.history.at(i) as Entry;
      if (entry.userId === undefined || entry.userId === userId) publications.push(entry);
    }
    return { recovered: true, publications, position };
  }

  /** Up to `limit` publications after offset `since`, oldest first, and whether none is missing. */
  history(
    topic: string,
    since: number,
    limit: number,
  ): { position: StreamPosition | null; publications: Publication[]; complete: boolean } {
    const stream = this.#topics.get(topic);
    if (stream === undefined) return { position: null, publications: [], complete: since === 0 };
    const position = { offset: stream.lastOffset, epoch: stream.epoch };
    const first = stream.history.peek();
    const start = first === undefined ? 0 : Math.max(0, since + 1 - first.offset);
    const publications: Publication[] = [];
    for (let i = start; i < stream.history.length && publications.length < limit; i++) {
      publications.push(stream.history.at(i) as Entry);
    }
    const last = stream.history.at(stream.history.length - 1);
    const covered =
      since >= stream.lastOffset ||
      (first !== undefined && first.offset <= since + 1 && last?.offset === stream.lastOffset);
    const cut = stream.history.length - start > publications.length;
    return { position, publications, complete: covered && !cut };
  }

  /** The topic's retained message. */
  retained(topic: string): Publication | null {
    return this.#topics.get(topic)?.retained ?? null;
  }

  /** Every live publication (history and retained), for a log that rewrites them. */
  *live(): Generator<Entry> {
    for (const stream of this.#topics.values()) {
      for (let i = 0; i < stream.history.length; i++) yield stream.history.at(i) as Entry;
      if (stream.retained !== null && !stream.retained.inHistory) yield stream.retained;
    }
  }

  /** Every stream's epoch and last offset. */
  *positions(): Generator<[string, StreamPosition]> {
    for (const [topic, stream] of this.#topics) yield [topic, { offset: stream.lastOffset, epoch: stream.epoch }];
  }

  /** Gives a topic a new epoch (its history could not be kept whole): its offsets go on under it. */
  renewEpoch(topic: string): void {
    this.stream(topic).epoch = this.hooks.newEpoch();
  }

  /** Every topic's history, for the GUI. */
  topics(): TopicHistory[] {
    return [...this.#topics].map(([topic, stream]) => ({
      topic,
      epoch: stream.epoch,
      lastOffset: stream.lastOffset,
      size: stream.history.length,
      bytes: stream.bytes,
      retained: stream.retained,
    }));
  }

  /** Messages and bytes in the history, and retained messages. */
  totals(): { messages: number; bytes: number; retained: number } {
    let retained = 0;
    for (const stream of this.#topics.values()) if (stream.retained !== null) retained++;
    return { messages: this.#messages, bytes: this.#bytes, retained };
  }

  #setRetained(stream: Stream, entry: Entry | null): void {
    const old = stream.retained;
    if (old === entry) return;
    stream.retained = entry;
    if (entry !== null) entry.isRetained = true;
    if (old !== null) {
      old.isRetained = false;
      if (!old.inHistory) this.hooks.onDead?.(old);
    }
  }

  #leaveHistory(stream: Stream, entry: Entry): void {
    entry.inHistory = false;
    stream.bytes -= entry.bytes;
    this.#bytes -= entry.bytes;
    this.#messages--;
    if (!entry.isRetained) this.hooks.onDead?.(entry);
  }

  /** Evicts from the oldest end while `over(head)` holds, for at most `budgetMs`; true when stopped by the budget. */
  #evictFromHead(over: (head: Entry) => boolean, budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    let n = 0;
    for (let head = this.#order.peek(); head !== undefined; head = this.#order.peek()) {
      if (!head.inHistory) {
        this.#order.shift();
        continue;
      }
      if (!over(head)) return false;
      if ((++n & 255) === 0 && performance.now() > deadline) return true;
      this.#order.shift();
      const stream = this.#topics.get(head.topic) as Stream;
      // The oldest of all is the oldest of its topic.
      stream.history.shift();
      this.#leaveHistory(stream, head);
    }
    return false;
  }

  /** Drops the order's references to evicted entries once they are most of it (amortised O(1)). */
  #compactOrder(): void {
    if (this.#order.length > 1_024 && this.#order.length > 2 * this.#messages) {
      this.#order.retain((entry) => entry.inHistory);
    }
  }
}
