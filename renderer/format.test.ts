import { describe, expect, it } from 'vitest';
import {
  bodySummary,
  clockMinutes,
  clockSeconds,
  compareText,
  formatCompact,
  formatCount,
  formatMinute,
  formatSeen,
  formatTime,
  hexDump,
  hexPreview,
  prettyBody,
} from './format';

const b64 = (...bytes: number[]): string => btoa(String.fromCharCode(...bytes));

describe('binary bodies', () => {
  it('previews the first bytes as hex, with the whole size', () => {
    expect(hexPreview(b64(0, 0x0a, 0xff))).toBe('00 0a ff');
    expect(hexPreview(b64(...Array.from({ length: 40 }, (_, i) => i)))).toHaveLength(32 * 3 - 1);
    expect(bodySummary({ base64: b64(0xca, 0xfe) }, 2)).toBe('binary 2 B · ca fe');
    const big = Array.from({ length: 2000 }, () => 7);
    expect(bodySummary({ base64: b64(...big) }, 2000)).toBe(`binary 2.0 kB · ${'07 '.repeat(31)}07 …`);
    expect(bodySummary({ base64: '' }, 0)).toBe('binary 0 B · ');
    expect(bodySummary({ text: 'hi' }, 2)).toBe('hi');
  });

  it('dumps 8 (or 16) bytes a line with offsets and printable ASCII, and stops at the limit', () => {
    const hi = [0x48, 0x69, 0x00, ...Array.from({ length: 14 }, (_, i) => 0x41 + i)];
    expect(hexDump(b64(...hi)).split('\n')).toEqual([
      '0000  48 69 00 41 42 43 44 45  Hi.ABCDE',
      '0008  46 47 48 49 4a 4b 4c 4d  FGHIJKLM',
      '0010  4e                       N',
    ]);
    expect(hexDump(b64(...hi), 4096, 16).split('\n')).toEqual([
      '0000  48 69 00 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d  Hi.ABCDEFGHIJKLM',
      '0010  4e                                               N',
    ]);
    expect(hexDump('')).toBe('(empty)');
    const lines = hexDump(b64(...Array.from({ length: 100 }, () => 0)), 32).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('… 68 more bytes');
  });
});

describe('prettyBody', () => {
  it('pretty-prints JSON and leaves anything else', () => {
    expect(prettyBody('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', json: true });
    expect(prettyBody('{nope')).toEqual({ text: '{nope', json: false });
  });
});

describe('formatSeen', () => {
  it('says how a disconnected registration was last seen', () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    expect(formatSeen({ connected: true, everConnected: true, lastSeen: now }, now)).toBe('Connected');
    expect(formatSeen({ connected: false, everConnected: false, lastSeen: now - 5_000 }, now)).toBe('Never connected');
    expect(formatSeen({ connected: false, everConnected: true, lastSeen: now - 90_000 }, now)).toMatch(
      /^Idle since \d\d:\d\d$/,
    );
    expect(formatSeen({ connected: false, everConnected: true, lastSeen: now - 3 * 86_400_000 }, now)).toMatch(
      /^Idle since [A-Z][a-z]{2} \d{1,2}$/,
    );
  });
});

describe('formatTime', () => {
  it('gives the date for times more than a day away, before or after now', () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    expect(formatTime(now - 60_000, now)).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(formatTime(now + 3 * 86_400_000, now)).toMatch(/^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d$/);
    expect(formatTime(now - 3 * 86_400_000, now)).toMatch(/^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d$/);
  });
});

describe('formatMinute', () => {
  it('gives the time to the minute, with the date when more than a day away', () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    expect(formatMinute(now + 60_000, now)).toMatch(/^\d\d:\d\d$/);
    expect(formatMinute(now + 200 * 86_400_000, now)).toMatch(/^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d$/);
  });
});

// The page formats without Intl (its first use initialises ICU: a long task); Node's Intl is the reference.
describe('formatting without Intl', () => {
  const samples = [
    0, 0.4, 0.5, 1, 9.95, 12.34, 99.96, 999, 999.94, 999.96, 1_000, 1_049, 1_050, 1_234, 12_345, 99_950, 999_949,
    999_950, 999_999, 1_000_000, 1_234_567, 98_765_432, 1_500_000_000, 2.5e12, 9.99e14,
  ];
  const random = Array.from({ length: 500 }, (_, i) => Math.floor(Math.random() * 10 ** (i % 13)));

  it('counts as en-US does: grouped by threes, rounded half away from zero', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    for (const value of [...samples, ...random, ...samples.map((v) => -v).filter((v) => v <= -0.5)]) {
      expect(formatCount(value), String(value)).toBe(intl.format(value));
    }
  });

  it('chart ticks as en-US compact notation with one decimal at most', () => {
    const intl = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
    for (const value of [...samples, ...random, -1_234, -0.5, -999_960]) {
      expect(formatCompact(value), String(value)).toBe(intl.format(value));
    }
  });

  it('times on a 24-hour clock and dates as Dec 7, in local time, as en-US does', () => {
    const seconds = new Intl.DateTimeFormat('en-US', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const minutes = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' });
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    for (let i = 0; i < 400; i++) {
      const at = now - Math.floor(Math.random() * 400 * 86_400_000);
      expect(clockSeconds(at)).toBe(seconds.format(at));
      expect(clockMinutes(at)).toBe(minutes.format(at));
      expect(formatTime(at, now)).toBe(
        now - at < 86_400_000 ? seconds.format(at) : `${day.format(at)} ${seconds.format(at)}`,
      );
      expect(formatMinute(at, now)).toBe(
        now - at < 86_400_000 ? minutes.format(at) : `${day.format(at)} ${minutes.format(at)}`,
      );
    }
  });

  it('orders ASCII names as localeCompare does', () => {
    const names = [
      'cats',
      'Cats',
      'dogs',
      'b/a',
      'b-a',
      'b_a',
      'B',
      'a1',
      'a10',
      'a9',
      'room-7',
      'room/7',
      'zeta',
      'Alpha',
    ];
    const alphabet =
      ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const word = (): string =>
      Array.from({ length: 1 + Math.floor(Math.random() * 6) }, () =>
        alphabet.charAt(Math.floor(Math.random() * alphabet.length)),
      ).join('');
    const random = Array.from({ length: 2_000 }, word);
    for (const list of [names, random, random.map((w) => w.toLowerCase()), random.map((w) => `s1/${w}`)]) {
      const sign = (n: number): number => Math.sign(n);
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1] ?? '', list[i] ?? ''];
        expect(sign(compareText(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(
          sign(a.localeCompare(b, 'en')),
        );
      }
    }
  });
});
