import { describe, expect, it } from 'vitest';
import { parseBase64, parseHex, toBase64, utf8Length } from './bytes';

const all = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('parseHex', () => {
  it('reads pairs with or without separators and 0x prefixes', () => {
    expect(parseHex('0a ff 00')).toEqual({ ok: true, bytes: Uint8Array.of(0x0a, 0xff, 0) });
    expect(parseHex('0x0A,0xFF\n0x00')).toEqual({ ok: true, bytes: Uint8Array.of(0x0a, 0xff, 0) });
    expect(parseHex('de:ad-BE:ef')).toEqual({ ok: true, bytes: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    expect(parseHex('')).toEqual({ ok: true, bytes: new Uint8Array() });
    const hex = Array.from(all, (b) => b.toString(16).padStart(2, '0')).join('');
    expect(parseHex(hex)).toEqual({ ok: true, bytes: all });
  });

  it('names the wrong character and its place, and an odd digit count', () => {
    expect(parseHex('0a fg')).toEqual({ ok: false, error: '“g” at position 5 is not a hex digit (0–9, a–f)' });
    expect(parseHex('0a f')).toEqual({ ok: false, error: 'Hex needs two digits per byte: 3 found' });
    expect(parseHex('hello')).toMatchObject({
      ok: false,
      error: expect.stringContaining('“h” at position 1') as unknown,
    });
  });
});

describe('parseBase64', () => {
  it('reads standard and URL-safe base64, padded or not', () => {
    expect(parseBase64('AP8=')).toEqual({ ok: true, bytes: Uint8Array.of(0, 255) });
    expect(parseBase64('AP8')).toEqual({ ok: true, bytes: Uint8Array.of(0, 255) });
    expect(parseBase64('-_8=')).toEqual({ ok: true, bytes: Uint8Array.of(0xfb, 0xff) });
    expect(parseBase64(' AP 8=\n')).toEqual({ ok: true, bytes: Uint8Array.of(0, 255) });
  });

  it('says what is wrong', () => {
    expect(parseBase64('AP8*')).toEqual({ ok: false, error: '“*” is not a base64 character' });
    expect(parseBase64('A=P8')).toEqual({ ok: false, error: 'Padding (=) may only end the text' });
    expect(parseBase64('APBCD')).toMatchObject({ ok: false });
  });
});

describe('toBase64', () => {
  it('round-trips every byte value and a large buffer', () => {
    expect(parseBase64(toBase64(all))).toEqual({ ok: true, bytes: all });
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256);
    expect(parseBase64(toBase64(big))).toEqual({ ok: true, bytes: big });
    expect(toBase64(new Uint8Array())).toBe('');
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('é✓')).toBe(5);
  });
});
