/**
 * The charts' history, kept by the hub whether or not a GUI is open: once a second it reads the
 * relay's counters (never per message) into fixed-size rings — 15 minutes at 1 s and an hour at
 * 10 s — so a GUI opened later still sees the recent past.
 */
import type { HubSeries, SeriesDelta, SeriesRing, SeriesSample } from '../../../shared/traffic';
import { seriesTopicsPerSample } from '../../../shared/traffic';
import type { Relay } from '../../relay/index';

/** Sizes of the rings. */
export const seriesLayout = {
  fine: { stepMs: 1000, capacity: 900 },
  coarse: { stepMs: 10_000, capacity: 360 },
} as const;

/** Fine samples per coarse one. */
const fold = seriesLayout.coarse.stepMs / seriesLayout.fine.stepMs;

interface Counters {
  at: number;
  published: number;
  delivered: number;
  slow: number;
}

/** Samples the relay once a second while started. */
export class SeriesSampler {
  readonly #relay: Relay;
  readonly #fine: SeriesSample[] = [];
  readonly #coarse: SeriesSample[] = [];
  #newFine: SeriesSample[] = [];
  #newCoarse: SeriesSample[] = [];
  #unfolded: SeriesSample[] = [];
  #last: Counters;
  #lastTopics = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(relay: Relay) {
    this.#relay = relay;
    this.#last = this.#counters(Date.now());
    for (const topic of relay.topics()) this.#lastTopics.set(topic.topic, topic.published);
  }

  /** Samples every second, calling `onSample` after each (the timer never keeps the process alive). */
  start(onSample: () => void): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      this.sample();
      onSample();
    }, seriesLayout.fine.stepMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Takes one sample now (the timer calls this; tests may too). */
  sample(now: number = Date.now()): SeriesSample {
    const counters = this.#counters(now);
    const seconds = Math.max(now - this.#last.at, 1) / 1000;
    const rate = (current: number, previous: number): number => round(Math.max(current - previous, 0) / seconds);
    const sample: SeriesSample = {
      at: now,
      publishes: rate(counters.published, this.#last.published),
      deliveries: rate(counters.delivered, this.#last.delivered),
      connections: this.#relay.stats().connected,
      slowConsumer: rate(counters.slow, this.#last.slow),
      topics: this.#topicRates(seconds),
    };
    this.#last = counters;
    push(this.#fine, sample, seriesLayout.fine.capacity);
    push(this.#newFine, sample, seriesLayout.fine.capacity);
    this.#unfolded.push(sample);
    if (this.#unfolded.length >= fold) {
      const coarse = average(this.#unfolded);
      this.#unfolded = [];
      push(this.#coarse, coarse, seriesLayout.coarse.capacity);
      push(this.#newCoarse, coarse, seriesLayout.coarse.capacity);
    }
    return sample;
  }

  /** Both rings, oldest sample first. */
  snapshot(): HubSeries {
    const ring = (layout: { stepMs: number; capacity: number }, samples: SeriesSample[]): SeriesRing => ({
      stepMs: layout.stepMs,
      capacity: layout.capacity,
      samples: [...samples],
    });
    return { fine: ring(seriesLayout.fine, this.#fine), coarse: ring(seriesLayout.coarse, this.#coarse) };
  }

  /** Samples made since the last call, or null when none. */
  takeNew(): SeriesDelta | null {
    if (this.#newFine.length === 0 && this.#newCoarse.length === 0) return null;
    const delta = { fine: this.#newFine, coarse: this.#newCoarse };
    this.#newFine = [];
    this.#newCoarse = [];
    return delta;
  }

  #counters(at: number): Counters {
    const stats = this.#relay.stats();
    return {
      at,
      published: stats.published,
      delivered: stats.delivered,
      slow: stats.droppedMessages + stats.slowConsumerCloses,
    };
  }

  /** Publishes per second of the busiest topics since the last sample. */
  #topicRates(seconds: number): SeriesSample['topics'] {
    const next = new Map<string, number>();
    const rates: SeriesSample['topics'] = [];
    for (const { topic, published } of this.#relay.topics()) {
      next.set(topic, published);
      // A topic that lost its last subscriber starts counting from zero again.
      const before = this.#lastTopics.get(topic) ?? 0;
      const delta = published >= before ? published - before : published;
      if (delta > 0) rates.push([topic, round(delta / seconds)]);
    }
    this.#lastTopics = next;
    return top(rates);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function push<T>(ring: T[], value: T, capacity: number): void {
  ring.push(value);
  if (ring.length > capacity) ring.splice(0, ring.length - capacity);
}

function top(rates: SeriesSample['topics']): SeriesSample['topics'] {
  return rates.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, seriesTopicsPerSample);
}

/** One coarse sample from fine ones: rates averaged, gauges as at the end. */
function average(samples: readonly SeriesSample[]): SeriesSample {
  const n = samples.length;
  const sum = (pick: (s: SeriesSample) => number): number => round(samples.reduce((t, s) => t + pick(s), 0) / n);
  const topics = new Map<string, number>();
  for (const sample of samples)
    for (const [topic, rate] of sample.topics) topics.set(topic, (topics.get(topic) ?? 0) + rate);
  const last = samples[n - 1];
  return {
    at: last?.at ?? Date.now(),
    publishes: sum((s) => s.publishes),
    deliveries: sum((s) => s.deliveries),
    connections: last?.connections ?? 0,
    slowConsumer: sum((s) => s.slowConsumer),
    topics: top([...topics].map(([topic, total]) => [topic, round(total / n)])),
  };
}
