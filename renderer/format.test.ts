import { describe, expect, it } from 'vitest';
import { bodySummary, formatMinute, formatSeen, formatTime, hexDump, hexPreview, prettyBody } from './format';

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
