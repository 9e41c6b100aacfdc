/**
 * Soak-test probes of a hub process (test support, not shipped): its resident memory and open
 * file descriptors from `/proc`, its `/health` and `/metrics` counters, and a sampler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { rawRequest } from '../support/relay';

/** Resident memory of a process, in bytes (`VmRSS` of `/proc/<pid>/status`). */
export function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Open file descriptors of a process (sockets, files, pipes…). */
export function fdsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** `/health`'s counters. */
export async function health(port: number): Promise<{ registered: number; connected: number }> {
  const res = await rawRequest(port, 'GET', '/health');
  if (res.status !== 200) throw new Error(`/health: ${res.status}`);
  return res.json as { registered: number; connected: number };
}

/** The samples of `/metrics`: `name` or `name{labels}` → value. */
export async function metrics(port: number): Promise<Map<string, number>> {
  const res = await rawRequest(port, 'GET', '/metrics');
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`);
  const values = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] !== undefined) values.set(match[1], Number(match[2]));
  }
  return values;
}

/**
 * Re-checks `condition` (each time after the event loop has run I/O) until it holds or
 * `timeoutMs` passes: for counts the hub updates when it sees a socket close, shortly after
 * the device does.
 */
export async function eventually<T>(read: () => Promise<T> | T, holds: (value: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!holds(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

/** One memory sample. */
export interface Sample {
  /** ms since the sampler started. */
  at: number;
  rss: number;
  /** Sockets opened so far. */
  sockets: number;
}

/** When a process's memory counts as warmed up. */
export interface WarmUp {
  /** Never before this many ms. */
  minMs: number;
  /** RSS made no new high (by more than `slack` bytes) for this long. */
  quietMs: number;
  slack: number;
}

/**
 * Samples `pid`'s RSS every `everyMs`. The warm-up ends once RSS has stopped making new highs
 * (V8 grows the old generation lazily, over the first major collections); a hub that leaks keeps
 * making new highs, so it never warms up and the memory check fails for want of a steady window.
 */
export class MemoryWatch {
  readonly samples: Sample[] = [];
  /** ms since the start when the warm-up ended, or null. */
  warmedAt: number | null = null;
  /** Sockets opened when the warm-up ended. */
  socketsAtWarmUp = Number.POSITIVE_INFINITY;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;
  #peakAt = 0;

  constructor(pid: number, everyMs: number, sockets: () => number, warmUp: WarmUp) {
    const start = Date.now();
    this.#timer = setInterval(() => {
      const sample = { at: Date.now() - start, rss: rssOf(pid), sockets: sockets() };
      this.samples.push(sample);
      if (sample.rss > this.#peak + warmUp.slack || this.#peak === 0) {
        this.#peak = sample.rss;
        this.#peakAt = sample.at;
      }
      if (this.warmedAt === null && sample.at >= warmUp.minMs && sample.at - this.#peakAt >= warmUp.quietMs) {
        this.warmedAt = sample.at;
        this.socketsAtWarmUp = sample.sockets;
      }
    }, everyMs);
  }

  /** The samples after the warm-up. */
  steady(): Sample[] {
    const from = this.warmedAt;
    return from === null ? [] : this.samples.filter((s) => s.at >= from);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** A size in MiB with one decimal. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
