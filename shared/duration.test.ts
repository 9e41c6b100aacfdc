import { describe, expect, it } from 'vitest';
import { formatDurationExact, parseDuration } from './duration';

describe('parseDuration', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('30 s')).toBe(30_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('7 d')).toBe(604_800_000);
    expect(parseDuration('15 min')).toBe(900_000);
    expect(parseDuration('1 h 30 min')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(' 250 ms ')).toBe(250);
    expect(parseDuration('2 Weeks')).toBe(1_209_600_000);
    expect(parseDuration('30000')).toBe(30_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses what is not a duration', () => {
    for (const text of ['', ' ', 's', '30 parsecs', '-5 s', '1e3', '30 s x', '5 5', '99999999999999999 d']) {
      expect(parseDuration(text), text).toBeNull();
    }
  });
});

describe('formatDurationExact', () => {
  it('writes the largest whole unit, and reads back', () => {
    for (const [ms, text] of [
      [0, '0'],
      [604_800_000, '7 d'],
      [900_000, '15 min'],
      [30_000, '30 s'],
      [5_400_000, '90 min'],
      [1_500, '1500 ms'],
    ] as const) {
      expect(formatDurationExact(ms)).toBe(text);
      expect(parseDuration(text)).toBe(ms);
    }
  });
});
