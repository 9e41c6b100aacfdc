import { describe, expect, it } from 'vitest';
import type { SeriesSample } from '../shared/traffic';
import { chartData } from './charts';

describe('chartData', () => {
  const sample = (at: number, topics: SeriesSample['topics']): SeriesSample => ({
    at,
    publishes: 1,
    deliveries: 2,
    connections: 3,
    slowConsumer: 0,
    topics,
  });

  it('windows the ring to its span and draws the busiest topics over it', () => {
    const ring = {
      stepMs: 1000,
      capacity: 900,
      samples: [
        sample(0, [['old', 1000]]), // older than 15 minutes before the last sample
        sample(900_000, [['a', 1]]),
        sample(901_000, [
          ['b', 5],
          ['a', 2],
        ]),
      ],
    };
    const data = chartData(ring, 901_000);
    expect(data.times).toEqual([900, 901]);
    expect(data.topics).toEqual([
      { topic: 'b', values: [0, 5] },
      { topic: 'a', values: [1, 2] },
    ]);
    // Two samples: the window shows a minute back, not 15 minutes of nothing.
    expect(data.range).toEqual([841, 901]);
    const older = chartData({ ...ring, samples: [sample(700_000, []), ...ring.samples.slice(1)] }, 901_000);
    expect(older.range).toEqual([699, 901]);
  });
});
