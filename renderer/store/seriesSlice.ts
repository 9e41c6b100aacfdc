import type { HubSeries, SeriesRing, SeriesSample } from '../../shared/traffic';
import type { SeriesSlice, Slice } from './types';

/** Rings before the hub has answered. */
export const emptySeries: HubSeries = {
  fine: { stepMs: 1000, capacity: 900, samples: [] },
  coarse: { stepMs: 10_000, capacity: 360, samples: [] },
};

/** Appends samples newer than the ring's last (init and the first pushes may overlap), keeping its capacity. */
function extend(ring: SeriesRing, samples: readonly SeriesSample[]): SeriesRing {
  const last = ring.samples.at(-1)?.at ?? -Infinity;
  const fresh = samples.filter((sample) => sample.at > last);
  if (fresh.length === 0) return ring;
  const all = [...ring.samples, ...fresh];
  return { ...ring, samples: all.length > ring.capacity ? all.slice(all.length - ring.capacity) : all };
}

/** The charts' history. */
export const createSeriesSlice: Slice<SeriesSlice> = (set, get) => ({
  series: emptySeries,
  setSeries(series) {
    set({ series });
  },
  appendSeries(delta) {
    const { fine, coarse } = get().series;
    const next = { fine: extend(fine, delta.fine), coarse: extend(coarse, delta.coarse) };
    if (next.fine !== fine || next.coarse !== coarse) set({ series: next });
  },
});
