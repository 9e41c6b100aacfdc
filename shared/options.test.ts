import { describe, expect, it } from 'vitest';
import {
  accessTokenProblem,
  isAccessToken,
  isListenHost,
  isLogLevel,
  kindProblem,
  optionRow,
  optionTable,
  type OptionKind,
} from './options';

describe('kindProblem', () => {
  it('integer: whole numbers within the bounds, the bounds included', () => {
    const port: OptionKind = { type: 'integer', min: 0, max: 65_535 };
    for (const value of [0, 1, 65_535]) expect(kindProblem(port, value)).toBeNull();
    for (const value of [-1, 65_536, 1.5, NaN, '80', null]) {
      expect(kindProblem(port, value)).toBe('must be a whole number from 0 to 65535');
    }
    const unbounded: OptionKind = { type: 'integer', min: 1 };
    expect(kindProblem(unbounded, Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(kindProblem(unbounded, 0)).toBe('must be a whole number of at least 1');
  });

  it('host: an IP literal or a hostname', () => {
    const host: OptionKind = { type: 'host' };
    expect(kindProblem(host, '0.0.0.0')).toBeNull();
    expect(kindProblem(host, 'with space')).toBe('must be an IP address or a hostname');
  });

  it('url and path: null, or a trimmed text up to 2,048 (url) or 4,096 (path) characters', () => {
    const url: OptionKind = { type: 'url', example: 'http://hub.local' };
    const path: OptionKind = { type: 'path' };
    for (const kind of [url, path]) {
      expect(kindProblem(kind, null)).toBeNull();
      expect(kindProblem(kind, 'x')).toBeNull();
    }
    expect(kindProblem(url, 'u'.repeat(2048))).toBeNull();
    expect(kindProblem(url, 'u'.repeat(2049))).toBe(
      'must be empty or a text of at most 2048 characters without surrounding spaces',
    );
    expect(kindProblem(path, 'p'.repeat(4096))).toBeNull();
    expect(kindProblem(path, 'p'.repeat(4097))).toBe(
      'must be empty or a text of at most 4096 characters without surrounding spaces',
    );
    for (const value of ['', '   ', ' x', 'x ', 5]) expect(kindProblem(path, value)).not.toBeNull();
  });

  it('origins: null, or 1 to 100 scheme://host texts', () => {
    const origins: OptionKind = { type: 'origins' };
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://o${i}.example`);
    expect(kindProblem(origins, null)).toBeNull();
    expect(kindProblem(origins, many(1))).toBeNull();
    expect(kindProblem(origins, many(100))).toBeNull();
    for (const value of [[], many(101), 'https://a.example']) {
      expect(kindProblem(origins, value)).toBe('must be empty (any origin) or a list of 1 to 100 origins');
    }
    for (const bad of [
      'a.example',
      'https://',
      ' https://a.example',
      'https://a.example x',
      7,
      ['https://a.example'],
    ]) {
      expect(kindProblem(origins, ['https://fine.example', bad])).toBe('must list origins like https://app.example');
    }
  });

  it('choice: one of the words, named in the message', () => {
    const two: OptionKind = { type: 'choice', values: ['close', 'drop'] };
    const three: OptionKind = { type: 'choice', values: ['a', 'b', 'c'] };
    expect(kindProblem(two, 'drop')).toBeNull();
    expect(kindProblem(two, 'ignore')).toBe('must be "close" or "drop"');
    expect(kindProblem(three, 'c')).toBeNull();
    expect(kindProblem(three, 'd')).toBe('must be one of a, b, c');
    expect(kindProblem(three, 1)).toBe('must be one of a, b, c');
  });

  it('flag: a boolean; secret: null or an access token', () => {
    expect(kindProblem({ type: 'flag' }, false)).toBeNull();
    expect(kindProblem({ type: 'flag' }, 'true')).toBe('must be true or false');
    expect(kindProblem({ type: 'secret' }, null)).toBeNull();
    expect(kindProblem({ type: 'secret' }, '0123456789abcdef')).toBeNull();
    expect(kindProblem({ type: 'secret' }, 'short')).toBe(
      'must be at least 16 visible ASCII characters without spaces',
    );
  });
});

describe('value checks', () => {
  it('isListenHost: IPv4, IPv6 and host names up to 253 characters', () => {
    const hosts = ['0.0.0.0', '127.0.0.1', '::', '::1', 'fe80::1', '2001:db8::8a2e:370:7334', 'a', 'hub.local'];
    for (const host of [...hosts, 'h'.repeat(253)]) {
      expect(isListenHost(host), host).toBe(true);
    }
    for (const host of ['', 'h'.repeat(254), '-hub', 'hub-', 'hub.', 'a b', 'ab:cd:zz', '[::1]', 8000, null]) {
      expect(isListenHost(host), String(host)).toBe(false);
    }
  });

  it('isAccessToken and accessTokenProblem: 16 or more visible ASCII characters, and why not', () => {
    expect(isAccessToken('!'.repeat(16))).toBe(true);
    expect(isAccessToken('~'.repeat(40))).toBe(true);
    for (const token of [
      'x'.repeat(15),
      `${'x'.repeat(16)} `,
      `${'x'.repeat(16)}\n`,
      'é'.repeat(16),
      1234567890123456,
    ]) {
      expect(isAccessToken(token), JSON.stringify(token)).toBe(false);
    }
    expect(accessTokenProblem('x'.repeat(16))).toBeNull();
    expect(accessTokenProblem('x'.repeat(15))).toBe('an access token needs at least 16 characters (this one has 15)');
    for (const token of [`${'x'.repeat(15)} `, `${'x'.repeat(16)} `]) {
      expect(accessTokenProblem(token)).toBe('an access token may contain only visible ASCII characters, no spaces');
    }
  });

  it('isLogLevel: the seven pino levels', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(isLogLevel(level)).toBe(true);
    }
    for (const level of ['verbose', '', 30, null]) expect(isLogLevel(level)).toBe(false);
  });

  it('optionRow: the row of the table', () => {
    expect(optionRow('port')).toBe(optionTable.port);
  });
});
