/** The charts' data, derived from the hub's series rings. Pure. */
import type { SeriesRing, SeriesSample } from '../shared/traffic';

/** How many topics the per-topic chart draws. */
export const chartTopics = 5;

/** Columns for the charts: x in epoch seconds, then one array per quantity. */
export interface ChartData {
  times: number[];
  deliveries: number[];
  publishes: number[];
  connections: number[];
  slowConsumer: number[];
  /** The busiest topics over the window, each with its publishes per second and their average. */
  topics: { topic: string; values: number[]; average: number }[];
  /**
   * When the load is even (the topic after the drawn ones got about as much as the busiest):
   * how many topics share it, so the chart says it shows a few of many. Null otherwise.
   */
  evenAcross: number | null;
  /** The window shown, epoch seconds. */
  range: [number, number];
}

/**
 * Columns of a ring, windowed to its span (15 minutes at 1 s, an hour at 10 s) ending at `now`;
 * a hub younger than the span shows from its first sample (no empty plain before it started).
 */
export function chartData(ring: SeriesRing, now: number): ChartData {
  const end = Math.max(now, ring.samples.at(-1)?.at ?? 0);
  const samples = ring.samples.filter((s) => s.at > end - ring.stepMs * ring.capacity);
  const first = samples[0]?.at ?? end;
  // At least a minute wide, so a few seconds of history do not fill the whole width.
  const start = Math.max(end - ring.stepMs * ring.capacity, Math.min(first - ring.stepMs, end - 60_000));
  const column = (pick: (s: SeriesSample) => number): number[] => samples.map(pick);
  const totals = new Map<string, number>();
  for (const sample of samples)
    for (const [topic, rate] of sample.topics) totals.set(topic, (totals.get(topic) ?? 0) + rate);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const busiest = ranked.slice(0, chartTopics).map(([topic]) => topic);
  const top = ranked[0]?.[1] ?? 0;
  const next = ranked[chartTopics]?.[1] ?? 0;
  // Within 10 %: the drawn topics are examples of an even load, not its leaders.
  const evenAcross = top > 0 && next >= top * 0.9 ? ranked.filter(([, total]) => total >= top * 0.9).length : null;
  return {
    times: column((s) => s.at / 1000),
    deliveries: column((s) => s.deliveries),
    publishes: column((s) => s.publishes),
    connections: column((s) => s.connections),
    slowConsumer: column((s) => s.slowConsumer),
    topics: busiest.map((topic) => ({
      topic,
      values: samples.map((s) => s.topics.find(([name]) => name === topic)?.[1] ?? 0),
      average: (totals.get(topic) ?? 0) / Math.max(1, samples.length),
    })),
    evenAcross,
    range: [start / 1000, end / 1000],
  };
}

/** The largest value of a column (0 when empty). */
export function peak(values: readonly number[]): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}
