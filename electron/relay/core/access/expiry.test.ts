import { describe, expect, it } from 'vitest';
import { expiredRegistrations, sweepIntervalMs } from './expiry';

describe('the expiry rules', () => {
  const at = (lastSeen: number, everConnected: boolean, link: unknown = null) => ({
    id: `${lastSeen}-${String(everConnected)}`,
    lastSeen,
    everConnected,
    link,
  });

  it('never connected after unconnectedMs, idle after idleMs, connected never; 0 turns a rule off', () => {
    const records = [at(0, false), at(0, true), at(0, true, {}), at(500, false), at(500, true)];
    expect(expiredRegistrations(records, { unconnectedMs: 1_000, idleMs: 2_000 }, 0, 1_000)).toEqual([
      { id: '0-false', reason: 'never_connected' },
    ]);
    expect(expiredRegistrations(records, { unconnectedMs: 1_000, idleMs: 2_000 }, 0, 2_500)).toEqual([
      { id: '0-false', reason: 'never_connected' },
      { id: '0-true', reason: 'idle' },
      { id: '500-false', reason: 'never_connected' },
      { id: '500-true', reason: 'idle' },
    ]);
    expect(expiredRegistrations(records, { unconnectedMs: 0, idleMs: 0 }, 0, 1e12)).toEqual([]);
    // Only the idle rule: a never-connected registration goes when it is idle that long.
    expect(expiredRegistrations(records, { unconnectedMs: 0, idleMs: 2_000 }, 0, 2_000).map((r) => r.reason)).toEqual([
      'idle',
      'idle',
    ]);
  });

  it('does not count the time the hub was not running', () => {
    // Stored a week ago, the hub started just now: a full window again.
    expect(expiredRegistrations([at(0, true), at(0, false)], { unconnectedMs: 10, idleMs: 10 }, 1e9, 1e9 + 9)).toEqual(
      [],
    );
    expect(expiredRegistrations([at(0, true)], { unconnectedMs: 10, idleMs: 10 }, 1e9, 1e9 + 10)).toHaveLength(1);
  });

  it('sweeps at a quarter of the shortest rule, from 1 s to a minute', () => {
    expect(sweepIntervalMs({ unconnectedMs: 900_000, idleMs: 604_800_000 })).toBe(60_000);
    expect(sweepIntervalMs({ unconnectedMs: 0, idleMs: 40_000 })).toBe(10_000);
    expect(sweepIntervalMs({ unconnectedMs: 100, idleMs: 0 })).toBe(1_000);
    expect(sweepIntervalMs({ unconnectedMs: 0, idleMs: 0 })).toBe(60_000);
  });
});
