/**
 * The memory engine (a hub without a data dir): streams, history and retained messages live in
 * this process only. Every start gives every topic a new epoch, so a device that kept offsets
 * from before is told it was not recovered.
 */
import { randomBytes } from 'node:crypto';
import { Streams } from './streams';
import type { Deliver, Engine, HistoryLimits, Payload, Publication, Published, Qos } from './types';

/** A short random epoch (12 base64url characters). */
export function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}

/** How often the age limit is applied, and how long one pass may run. */
export const retention = { intervalMs: 1_000, budgetMs: 4 } as const;

/** Until the hub binds its fan-out: nobody to deliver to. */
const nobody: Deliver = () => 0;

export class MemoryEngine implements Engine {
  /** Every topic's stream (a cluster hub's copy replaces them when it rejoins). */
  protected streams: Streams;
  #timer: NodeJS.Timeout | null = null;
  #deliver: Deliver = nobody;

  constructor(limits: HistoryLimits) {
    this.streams = this.newStreams(limits);
  }

  /** Empty streams with these limits. */
  protected newStreams(limits: HistoryLimits): Streams {
    return new Streams(limits, { newEpoch, onDead: (entry) => this.onDead(entry) });
  }

  /** A kept publication died (the disk engine frees its log space). */
  protected onDead(_entry: unknown): void {}

  bind(deliver: Deliver): void {
    this.#deliver = deliver;
  }

  /** One hub: kept (`append`), then delivered, before this returns. */
  publish(
    topic: string,
    message: Payload,
    userId: number | undefined,
    ts: number,
    retain: boolean,
    source: unknown,
    qos: Qos = 0,
  ): Published | Promise<Published> {
    const { publication, epoch } = this.append(topic, message, userId, ts, retain, qos);
    return { publication, epoch, delivered: this.#deliver(publication, epoch, source) };
  }

  /** Hands a kept publication to the hub's fan-out. */
  protected deliver(publication: Publication, epoch: string, source: unknown): number {
    return this.#deliver(publication, epoch, source);
  }

  /** Nothing waits to be written in memory. */
  commit(): void {}

  /** Gives the publication its offset and keeps it (the disk engine writes it first). */
  append(topic: string, message: Payload, userId: number | undefined, ts: number, retain: boolean, qos: Qos = 0) {
    const publication = this.streams.append(topic, message, userId, ts, retain, qos);
    return { publication, epoch: this.streams.stream(topic).epoch };
  }

  whenCurrent(_since: unknown, run: () => void): void {
    run();
  }

  recover(...args: Parameters<Streams['recover']>) {
    return this.streams.recover(...args);
  }

  history(topic: string, since: number, limit: number) {
    return this.streams.history(topic, since, limit);
  }

  retained(topic: string) {
    return this.streams.retained(topic);
  }

  clearRetained(topic: string): boolean {
    return this.streams.clearRetained(topic);
  }

  clearHistory(topic: string): number {
    return this.streams.clearHistory(topic);
  }

  position(topic: string) {
    return this.streams.position(topic);
  }

  topics() {
    return this.streams.topics();
  }

  totals() {
    return this.streams.totals();
  }

  storage(): { bytes: number; segments: number; fsyncs: number } | null {
    return null;
  }

  setLimits(limits: HistoryLimits): void {
    this.streams.setLimits(limits);
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.#expire(), retention.intervalMs);
    this.#timer.unref();
  }

  /** Background work runs in slices of a few ms, the next one after pending I/O: a full history never stalls publishes. */
  #expire(): void {
    if (this.#timer === null) return;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const more = this.background(retention.budgetMs);
    this.longestSliceMs = Math.max(this.longestSliceMs, performance.now() - started);
    const used = process.cpuUsage(cpu);
    this.longestSliceCpuMs = Math.max(this.longestSliceCpuMs, (used.user + used.system) / 1000);
    if (more) setImmediate(() => this.#expire());
  }

  /** The longest slice of background work so far, in ms: how long it held the event loop at most. */
  longestSliceMs = 0;
  /**
   * The same in CPU time: what the slice itself cost, without the time this process waited for a
   * core (on a busy machine a 5 ms slice can take 30 ms of wall time and still hold no one up).
   */
  longestSliceCpuMs = 0;

  /** One slice of background work (the age limit here); true when more is left. */
  protected background(budgetMs: number): boolean {
    return this.streams.evictExpired(Date.now(), budgetMs);
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
