// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';

// uPlot asks for the pixel ratio's media query when it loads; jsdom has none.
vi.hoisted(() => {
  window.matchMedia = () =>
    ({ matches: false, addEventListener: () => undefined, removeEventListener: () => undefined }) as never;
});

const { chartOptions, integerIncrements } = await import('./Chart');

describe('chartOptions', () => {
  it('ticks a count axis in whole numbers only (an empty connections chart shows no 0.5)', () => {
    const counts = chartOptions(300, 150, [], true, true).axes?.[1];
    expect(counts?.incrs).toEqual(integerIncrements);
    expect(integerIncrements.every(Number.isInteger)).toBe(true);
    expect(chartOptions(300, 150, [], true, false).axes?.[1]?.incrs).toBeUndefined();
  });

  it('starts the y axis at 0, or fits it to the values', () => {
    const range = (fromZero: boolean) => {
      const y = chartOptions(300, 150, [], fromZero).scales?.y?.range;
      return typeof y === 'function' ? y({} as never, 20, 24, 'y') : null;
    };
    expect(range(true)).toEqual([0, 24 * 1.1]);
    const fitted = range(false);
    expect(fitted?.[0]).toBeGreaterThan(19);
    expect(fitted?.[1]).toBeLessThan(25);
  });
});
