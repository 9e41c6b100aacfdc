import { afterEach, describe, expect, it } from 'vitest';
import { SeriesSampler, seriesLayout } from './series';
import { Device, startHub, type TestHub } from '../../../test/support/relay';

let hub: TestHub | null = null;
const devices: Device[] = [];
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await hub?.relay.stop();
  hub = null;
});

describe('SeriesSampler', () => {
  it('turns the relay’s counters into per-second rates, gauges and the busiest topics', async () => {
    hub = await startHub();
    const t0 = Date.now();
    const sampler = new SeriesSampler(hub.relay);
    const a = await Device.join(hub, 1);
    const b = await Device.join(hub, 2);
    devices.push(a, b);
    await b.setTopics(hub, ['cats', 'dogs']);
    for (let i = 0; i < 6; i++) void hub.relay.publish({ topic: 'cats', message: 'x' });
    for (let i = 0; i < 2; i++) void hub.relay.publish({ topic: 'dogs', message: 'y' });
    void hub.relay.publish({ topic: 'nobody', message: 'z' });
    const sample = sampler.sample(t0 + 2000);
    expect(sample.publishes).toBeCloseTo(4.5, 0); // 9 publishes over about 2 s
    expect(sample.deliveries).toBeCloseTo(7, 0); // 6 × 2 + 2 × 1 = 14 deliveries
    expect(sample.connections).toBe(2);
    expect(sample.topics.map(([topic]) => topic)).toEqual(['cats', 'dogs']); // topics with subscribers only
    expect(sampler.takeNew()?.fine).toEqual([sample]);
    expect(sampler.takeNew()).toBeNull();
    const quiet = sampler.sample(t0 + 3000);
    expect(quiet).toMatchObject({ publishes: 0, deliveries: 0, slowConsumer: 0, topics: [] });
  });

  it('keeps 15 minutes at 1 s and an hour at 10 s, in fixed-size rings', async () => {
    hub = await startHub();
    const sampler = new SeriesSampler(hub.relay);
    const start = Date.now() + 1000;
    const total = seriesLayout.fine.capacity + 100;
    for (let i = 0; i < total; i++) {
      if (i % 10 === 0) void hub.relay.publish({ topic: 'cats', message: 'tick' });
      sampler.sample(start + i * 1000);
    }
    const { fine, coarse } = sampler.snapshot();
    expect(fine.samples).toHaveLength(seriesLayout.fine.capacity);
    expect(fine.samples[0]?.at).toBe(start + 100 * 1000);
    expect(coarse.samples).toHaveLength(Math.floor(total / 10));
    // One publish per 10 s, averaged over each coarse step.
    expect(coarse.samples.every((s) => Math.abs(s.publishes - 0.1) < 0.02)).toBe(true);
    expect(coarse.stepMs).toBe(10_000);
  });
});
