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
      { topic: 'b', values: [0, 5], average: 2.5 },
      { topic: 'a', values: [1, 2], average: 1.5 },
    ]);
    expect(data.evenAcross).toBeNull();
    // Two samples: the window shows a minute back, not 15 minutes of nothing.
    expect(data.range).toEqual([841, 901]);
    const older = chartData({ ...ring, samples: [sample(700_000, []), ...ring.samples.slice(1)] }, 901_000);
    expect(older.range).toEqual([699, 901]);
  });

  it('says when the load is even across more topics than it draws, with each topic’s average rate', () => {
    // 20 topics, each published to once every 20 s: any second shows 0 for most of them.
    const samples = Array.from({ length: 40 }, (_, i) => sample(i * 1000, [[`room-${i % 20}`, 1]]));
    const data = chartData({ stepMs: 1000, capacity: 900, samples }, 39_000);
    expect(data.topics).toHaveLength(5);
    expect(data.evenAcross).toBe(20);
    expect(data.topics[0]?.average).toBe(0.05);
    const uneven = chartData(
      { stepMs: 1000, capacity: 900, samples: samples.map((s, i) => (i === 0 ? { ...s, topics: [['hot', 50]] } : s)) },
      39_000,
    );
    expect(uneven.evenAcross).toBeNull();
  });
});
