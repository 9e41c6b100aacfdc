/**
 * The disk engine (a hub with a data dir): the memory engine's streams, plus an append-only log
 * in `<data dir>/history/`, so history, retained messages, offsets and epochs survive a restart
 * and a crash. A publication is written (and with `fsync`, flushed to the disk) before the hub
 * acknowledges it: the records of one event-loop turn go in one write (and one fsync), a group
 * commit, and the turn's receipts are answered after it. The log is a series of segments; a segment whose publications have all left
 * the history is deleted, and the live publications of an old segment are copied forward when
 * the log holds much more than is live — both in slices of a few ms, never stalling publishes.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadLog, segmentName } from './log-load';
import { MemoryEngine } from './memory';
import { encodeRecord, type LogRecord } from './records';
import type { Entry } from './streams';
import type { HistoryLimits, Payload, Published, Qos } from './types';

/** Disk engine tuning. */
export interface DiskEngineOptions {
  /** fsync every acknowledged write (survives a power cut, not only a crash). */
  fsync: boolean;
  /** A segment grows to this size before the next one starts. Default 8 MiB. */
  segmentBytes?: number;
  /** The log is compacted once it holds this much more than twice what is live. Default 16 MiB. */
  slackBytes?: number;
  /** Warnings (a damaged segment moved aside). */
  warn?: (message: string) => void;
}

interface Segment {
  readonly id: number;
  readonly path: string;
  bytes: number;
  /** Live publications whose record is here. */
  live: number;
  liveBytes: number;
  /** Every publication written here (dead ones are skipped when copying). */
  readonly entries: Entry[];
}

export class DiskEngine extends MemoryEngine {
  readonly #dir: string;
  readonly #options: Required<Omit<DiskEngineOptions, 'warn'>>;
  readonly #warn: ((message: string) => void) | undefined;
  readonly #segments = new Map<number, Segment>();
  #active: Segment | null = null;
  #fd: number | null = null;
  #loading = true;
  /** Writing a new segment's head (no rotation inside it). */
  #rotating = false;
  #compacting: { segment: Segment; next: number } | null = null;
  /** Records encoded but not yet written (this turn's group commit), and their bytes. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Receipts that wait for the group commit, and what each resolves with. */
  #waiting: { resolve: (published: Published) => void; reject: (error: unknown) => void }[] = [];
  #waitingFor: Published[] = [];
  #commitScheduled = false;
  /** Records written, writes (group commits), and fsyncs (for the metrics and the tests). */
  readonly counters = { records: 0, writes: 0, fsyncs: 0, compactedRecords: 0, deletedSegments: 0 };

  /** Opens (creating) `<dataDir>/history` and loads it. */
  constructor(dataDir: string, limits: HistoryLimits, options: DiskEngineOptions) {
    super(limits);
    this.#dir = join(dataDir, 'history');
    this.#warn = options.warn;
    this.#options = {
      fsync: options.fsync,
      segmentBytes: options.segmentBytes ?? 8 << 20,
      slackBytes: options.slackBytes ?? 16 << 20,
    };
    mkdirSync(this.#dir, { recursive: true });
    const loaded = loadLog(this.#dir, this.streams);
    for (const file of loaded.quarantined) {
      options.warn?.(`the history segment ${file} was damaged and moved aside; every topic starts a new epoch`);
    }
    for (const { id, bytes } of loaded.segments) {
      this.#segments.set(id, { id, path: join(this.#dir, segmentName(id)), bytes, live: 0, liveBytes: 0, entries: [] });
    }
    this.streams.evictExpired(Date.now(), Number.POSITIVE_INFINITY);
    for (const entry of loaded.entries) this.#segments.get(entry.segment)?.entries.push(entry);
    this.#loading = false;
    // Every start writes a new segment, headed by every stream's position; then the old segments
    // that hold nothing live go.
    this.#rotate();
    this.#recount();
    if (loaded.quarantined.length > 0) {
      // Their epochs changed: the live publications are written again under the new ones.
      for (const entry of [...this.streams.live()]) this.#move(entry);
    }
    this.#commitNow();
  }

  /**
   * Kept and delivered now; the receipt once this turn's group commit has written it (and flushed
   * it with `fsync`). Devices get the frames after the commit too: the hub's socket flush runs it
   * first (`commit`).
   */
  override publish(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    source: unknown,
    qos: Qos = 0,
  ): Published | Promise<Published> {
    const { publication, epoch } = this.#keep(topic, message, userId, ts, retain, qos);
    const published: Published = { publication, epoch, delivered: this.deliver(publication, epoch, source) };
    if (this.#pending.length === 0) return published; // nothing to write (no history, not retained)
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#waitingFor.push(published);
    });
  }

  /** Keeps a publication and writes it before returning (no group commit: for callers outside the hub's path). */
  override append(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    qos: Qos = 0,
  ) {
    const appended = this.#keep(topic, message, userId, ts, retain, qos);
    this.#commitNow();
    return appended;
  }

  #keep(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    qos: Qos,
  ): { publication: Entry; epoch: string } {
    const appended = super.append(topic, message, userId, ts, retain, qos);
    const entry = appended.publication;
    if (entry.inHistory || entry.isRetained) this.#writeEntry(entry, appended.epoch);
    else if (retain) this.#write({ kind: 'unretain', topic, offset: entry.offset }); // an empty retained message
    if (!this.#commitScheduled && this.#pending.length > 0) {
      this.#commitScheduled = true;
      setImmediate(this.#scheduledCommit);
    }
    return appended;
  }

  readonly #scheduledCommit = (): void => {
    this.#commitScheduled = false;
    this.commit();
  };

  /**
   * The group commit: writes every pending record in one write, flushes it once with `fsync`, then
   * answers the receipts that waited for it. Runs once per event-loop turn (and before the hub
   * writes that turn's frames to the devices' sockets); at once for anything else that must be durable.
   */
  override commit(): void {
    try {
      this.#commitNow();
    } catch (error) {
      // Nobody waited for what failed (the waiting receipts got the error): warn, never crash.
      this.#warn?.(`cannot write the history log: ${(error as Error).message}`);
    }
  }

  /** The same, throwing when the disk refuses (for callers that answer with the error themselves). */
  #commitNow(): void {
    const waiting = this.#waiting;
    const waitingFor = this.#waitingFor;
    if (waiting.length > 0) {
      this.#waiting = [];
      this.#waitingFor = [];
    }
    try {
      this.#writePending();
      if (this.#options.fsync && this.#fd !== null && this.#unsynced) {
        fsyncSync(this.#fd);
        this.counters.fsyncs++;
      }
      this.#unsynced = false;
    } catch (error) {
      // The disk refused (full, failing): no receipt for what was not written.
      for (const { reject } of waiting) reject(error);
      throw error;
    }
    for (let i = 0; i < waiting.length; i++) waiting[i]?.resolve(waitingFor[i] as Published);
  }

  /** Written since the last fsync. */
  #unsynced = false;

  #writePending(): void {
    if (this.#pending.length === 0 || this.#fd === null) return;
    const pending = this.#pending;
    const buffer = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    for (let at = 0; at < buffer.length;) at += writeSync(this.#fd, buffer, at);
    this.counters.writes++;
    this.#unsynced = true;
  }

  override clearRetained(topic: string): boolean {
    const cleared = super.clearRetained(topic);
    if (cleared) this.#acknowledged({ kind: 'unretain', topic, offset: this.streams.stream(topic).lastOffset });
    return cleared;
  }

  override clearHistory(topic: string): number {
    const count = super.clearHistory(topic);
    if (count > 0) this.#acknowledged({ kind: 'clear', topic, offset: this.streams.stream(topic).lastOffset });
    return count;
  }

  /** Background work of one retention pass: copy forward from the oldest segment when the log is bloated. */
  protected override background(budgetMs: number): boolean {
    const more = super.background(budgetMs);
    return this.#compact(budgetMs) || more;
  }

  override close(): void {
    super.close();
    this.#commitNow();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  override storage(): { bytes: number; segments: number; fsyncs: number } {
    const { bytes, segments } = this.diskUsage();
    return { bytes, segments, fsyncs: this.counters.fsyncs };
  }

  /** Bytes of the log on disk, and of its live publications. */
  diskUsage(): { bytes: number; liveBytes: number; segments: number } {
    let bytes = 0;
    let liveBytes = 0;
    for (const segment of this.#segments.values()) {
      bytes += segment.bytes;
      liveBytes += segment.liveBytes;
    }
    return { bytes, liveBytes, segments: this.#segments.size };
  }

  protected override onDead(entry: Entry): void {
    if (this.#loading) return;
    const segment = this.#segments.get(entry.segment);
    if (segment === undefined) return;
    segment.live--;
    segment.liveBytes -= entry.bytes;
    if (segment.live <= 0 && segment !== this.#active) this.#delete(segment);
    else if (segment.entries.length > 1_024 && segment.live * 4 < segment.entries.length) {
      // Forget the dead, so they can be collected (amortised: the list shrinks to a quarter at most).
      const live = segment.entries.filter((e) => e.segment === segment.id && (e.inHistory || e.isRetained));
      segment.entries.splice(0, segment.entries.length, ...live);
      if (this.#compacting?.segment === segment) this.#compacting.next = 0;
    }
  }

  #writeEntry(entry: Entry, epoch: string): void {
    const { topic, offset, ts, message, userId, retain, qos } = entry;
    this.#write({ kind: 'publication', topic, offset, ts, message, userId, retain, qos, epoch });
    const active = this.#active as Segment;
    entry.segment = active.id;
    active.live++;
    active.liveBytes += entry.bytes;
    active.entries.push(entry);
  }

  /** Writes a record the hub acknowledges: on disk (flushed with `fsync`) when this returns, behind what is pending. */
  #acknowledged(record: LogRecord): void {
    this.#write(record);
    this.#commitNow();
  }

  /** Queues a record for the group commit, in the active segment. */
  #write(record: LogRecord): void {
    if (this.#fd === null) this.#rotate();
    const buffer = encodeRecord(record);
    this.#pending.push(buffer);
    this.#pendingBytes += buffer.length;
    this.counters.records++;
    const active = this.#active as Segment;
    active.bytes += buffer.length;
    if (active.bytes >= this.#options.segmentBytes && !this.#rotating) this.#rotate();
  }

  /** Starts the next segment, headed by every stream's position (its epoch and last offset). */
  #rotate(): void {
    const previous = this.#active;
    if (this.#fd !== null) {
      // What is pending belongs to the segment that ends.
      this.#writePending();
      if (this.#options.fsync && this.#unsynced) {
        fsyncSync(this.#fd);
        this.counters.fsyncs++;
      }
      this.#unsynced = false;
      closeSync(this.#fd);
    }
    const id = Math.max(0, ...this.#segments.keys()) + 1;
    const path = join(this.#dir, segmentName(id));
    this.#fd = openSync(path, 'a');
    const segment: Segment = { id, path, bytes: 0, live: 0, liveBytes: 0, entries: [] };
    this.#segments.set(id, segment);
    this.#active = segment;
    this.#rotating = true;
    try {
      for (const [topic, { offset, epoch }] of this.streams.positions()) {
        this.#write({ kind: 'stream', topic, offset, epoch });
      }
    } finally {
      this.#rotating = false;
    }
    if (previous !== null && previous.live <= 0) {
      // The positions are on disk before the segment that held them goes.
      this.#commitNow();
      this.#delete(previous);
    }
  }

  /** Writes a live publication again into the active segment (its old record becomes dead). */
  #move(entry: Entry): void {
    const old = this.#segments.get(entry.segment);
    const epoch = this.streams.stream(entry.topic).epoch;
    this.#writeEntry(entry, epoch);
    if (old !== undefined && old !== this.#active) {
      old.live--;
      old.liveBytes -= entry.bytes;
      this.counters.compactedRecords++;
      if (old.live <= 0) this.#delete(old);
    }
  }

  /** Copies live publications forward from the oldest segment, for at most `budgetMs`; true when more is left. */
  #compact(budgetMs: number): boolean {
    const { bytes, liveBytes } = this.diskUsage();
    if (this.#compacting === null) {
      if (bytes <= 2 * liveBytes + this.#options.slackBytes) return false;
      const oldest = [...this.#segments.values()].find((segment) => segment !== this.#active);
      if (oldest === undefined) return false;
      this.#compacting = { segment: oldest, next: 0 };
    }
    const job = this.#compacting;
    const deadline = performance.now() + budgetMs;
    const { entries } = job.segment;
    while (job.next < entries.length && this.#segments.has(job.segment.id)) {
      const entry = entries[job.next++] as Entry;
      if (entry.segment === job.segment.id && (entry.inHistory || entry.isRetained)) this.#move(entry);
      if ((job.next & 31) === 0 && performance.now() > deadline) return true;
    }
    this.commit();
    this.#compacting = null;
    return true;
  }

  #delete(segment: Segment): void {
    if (segment === this.#active) return;
    unlinkSync(segment.path);
    this.#segments.delete(segment.id);
    this.counters.deletedSegments++;
    if (this.#compacting?.segment === segment) this.#compacting = null;
  }

  /** Counts each segment's live publications (after loading) and deletes the segments that hold none. */
  #recount(): void {
    for (const segment of this.#segments.values()) {
      segment.live = 0;
      segment.liveBytes = 0;
    }
    for (const entry of this.streams.live()) {
      const segment = this.#segments.get(entry.segment);
      if (segment === undefined) continue;
      segment.live++;
      segment.liveBytes += entry.bytes;
    }
    for (const segment of [...this.#segments.values()]) if (segment.live <= 0) this.#delete(segment);
  }
}
