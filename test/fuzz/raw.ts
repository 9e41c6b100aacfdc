/**
 * Seeded raw HTTP requests for the fuzz test: junk methods, paths, versions, headers and body
 * framing, written byte for byte on a `net` socket (what `http.request` refuses to send).
 * Used only by tests.
 */
import type { Rng } from './gen';

/** One raw request: bytes written on a fresh socket, which is then half-closed. */
export interface RawCase {
  family: string;
  bytes: Buffer;
  /** True when a `101 Switching Protocols` is an acceptable answer (a well-formed upgrade). */
  mayUpgrade: boolean;
  /**
   * True when closing without an answer is acceptable: a request of blank lines only, or a
   * `CONNECT` (Node destroys those sockets itself when the server has no 'connect' listener).
   */
  mayDrop: boolean;
  /** Cut the connection (RST-like destroy) right after writing, instead of waiting for an answer. */
  cut?: boolean;
  /** Bytes written once the first answer has arrived (then the socket is half-closed). */
  then?: Buffer;
}

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'CONNECT'];
const junkChars = [
  'a',
  '0',
  '-',
  '_',
  '.',
  '~',
  '%',
  '%2e',
  '%2f',
  '%00',
  '%zz',
  '%E0%A4%A',
  '%ff',
  '+',
  '@',
  ':',
  ';',
  '=',
  '&',
  'é',
  '😀',
  '[',
  '|',
  '"',
];

function junk(rng: Rng, max: number): string {
  let text = '';
  const length = rng.int(max + 1);
  for (let i = 0; i < length; i++) text += rng.pick(junkChars);
  return text;
}

/** Targets that `new URL(target, base)` cannot parse (it throws), as a handler might try. */
export const urlHostile = ['//', '///', '//[', '//a:b@', '/\\', '//:99999', '//%zz', 'http://[::1', '//admin'];

/** A request target: real routes with junk around them, traversal, bad escapes, huge or odd forms. */
function target(rng: Rng, ids: readonly string[]): { family: string; path: string } {
  const id = ids.length > 0 ? rng.pick(ids) : '0'.repeat(32);
  switch (rng.int(12)) {
    case 0:
      return { family: 'path-ws-junk', path: `/ws/${junk(rng, 40)}` };
    case 1:
      return { family: 'path-register-junk', path: `/register/${junk(rng, 40)}` };
    case 2:
      return {
        family: 'path-known-id',
        path: rng.pick([`/ws/${id}`, `/ws/${id}/x`, `/ws/${id.toUpperCase()}`, `/ws/${id}?a=%zz`]),
      };
    case 3:
      return {
        family: 'path-traversal',
        path: rng.pick([
          '/..',
          '/../../etc/passwd',
          '/ws/../health',
          '/dashboard/../../../etc/passwd',
          '/dashboard/%2e%2e/%2e%2e/x',
          '/./health',
          '//health',
          '/health/.',
        ]),
      };
    case 4:
      return {
        family: 'path-bad-escape',
        path: rng.pick(['/%', '/%zz', '/ws/%', '/register/%E0%A4%A', '/%00', '/ws/%ff%fe', '/publish%']),
      };
    case 5:
      return {
        family: 'path-long',
        path: `/${rng.pick(['ws/', 'register/', 'health?', ''])}${'a'.repeat(500 + rng.int(20_000))}`,
      };
    case 6:
      return {
        family: 'path-unicode',
        path: rng.pick(['/ws/é😀', '/héalth', '/register/\u202e', '/ws/\u0000', '/ws/ x']),
      };
    case 7:
      return {
        family: 'path-odd-form',
        path: rng.pick([
          '*',
          '',
          'health',
          'http://127.0.0.1/health',
          ...urlHostile,
          '/?',
          '/#x',
          '/health#frag',
          '/publish?topic=x',
        ]),
      };
    case 8:
      return { family: 'path-dashboard', path: `/dashboard/${junk(rng, 20)}` };
    default:
      return {
        family: 'path-route',
        path:
          rng.pick([
            '/health',
            '/register',
            '/publish',
            '/metrics',
            `/register/${id}`,
            '/keys',
            `/keys/${id}`,
            '/pair',
            '/pair/claim',
            '/device',
          ]) + rng.pick(['', '?', '?x=1', '/']),
      };
  }
}

/** Header lines (without CRLF) that stress Node's parser and the hub's checks. */
function headerLines(rng: Rng): { family: string; lines: string[] } {
  const lines: string[] = [];
  const families: string[] = [];
  const host = rng.int(8);
  if (host < 5) lines.push('Host: 127.0.0.1');
  else if (host === 5)
    lines.push(
      `Host: ${rng.pick(['', 'a b', '[::1', '[::1]:99999', 'é.local', 'x'.repeat(3000), '127.0.0.1:0', 'evil/..'])}`,
    );
  else if (host === 6) lines.push('Host: a', 'Host: b');
  const extras = rng.int(4);
  for (let i = 0; i < extras; i++) {
    switch (rng.int(10)) {
      case 0:
        families.push('authorization');
        lines.push(
          `Authorization: ${rng.pick(['Bearer', 'Bearer ', 'Bearer  x', 'Basic Zm9vOmJhcg==', 'bearer abc', `Bearer ${'t'.repeat(10_000)}`, 'Bearer é', 'Bearer\ttab', 'Token x'])}`,
        );
        break;
      case 1:
        families.push('origin');
        lines.push(
          `Origin: ${rng.pick(['null', 'http://[::1', 'https://evil.example', 'file://', 'é', '', 'http://a'.repeat(200)])}`,
        );
        break;
      case 2:
        families.push('content-type');
        lines.push(
          `Content-Type: ${rng.pick(['', ';', 'application/json;charset=', 'application/', '/json', 'application/json\u0000', 'x'.repeat(2000)])}`,
        );
        break;
      case 3:
        families.push('request-id');
        lines.push(`X-Request-Id: ${rng.pick(['', 'a'.repeat(100), '../x', 'é', '{"a":1}'])}`);
        break;
      case 4:
        families.push('header-oversized');
        lines.push(`X-Big: ${'b'.repeat(rng.chance(0.5) ? 17_000 + rng.int(20_000) : 1_000 + rng.int(8_000))}`);
        break;
      case 5:
        families.push('header-many');
        for (let j = 0, n = 100 + rng.int(2_500); j < n; j++) lines.push(`X-H${j}: v`);
        break;
      case 6:
        families.push('header-bad-syntax');
        lines.push(
          rng.pick([
            'Bad Header: x',
            'NoColon',
            ': empty-name',
            ' folded: x',
            'X-É: 1',
            'X-Null: a\u0000b',
            'X\u0001: y',
            'X-Y:: z',
          ]),
        );
        break;
      case 7:
        families.push('upgrade');
        lines.push('Upgrade: websocket', 'Connection: Upgrade');
        if (rng.chance(0.5))
          lines.push(`Sec-WebSocket-Key: ${rng.pick(['', 'short', 'dGhlIHNhbXBsZSBub25jZQ==', '!!!!'])}`);
        if (rng.chance(0.5)) lines.push(`Sec-WebSocket-Version: ${rng.pick(['13', '8', '', 'x'])}`);
        break;
      case 8:
        families.push('connection');
        lines.push(`Connection: ${rng.pick(['close', 'keep-alive', 'upgrade', 'x, y', ''])}`);
        break;
      default:
        families.push('expect');
        lines.push(`Expect: ${rng.pick(['100-continue', 'x'])}`);
    }
  }
  return { family: families[0] ?? 'headers-plain', lines };
}

/** Body framing: none, matching, shorter or longer than declared, chunked (valid or not), or both. */
function framing(rng: Rng): { family: string; lines: string[]; body: string } {
  const body = rng.pick(['{"user_id":1}', '{"topic":"fuzz-topic","message":"m"}', '{"user', '', 'x'.repeat(100)]);
  const length = Buffer.byteLength(body);
  switch (rng.int(9)) {
    case 0:
      return { family: 'no-body', lines: [], body: '' };
    case 1:
      return { family: 'length-ok', lines: [`Content-Length: ${length}`], body };
    case 2:
      return { family: 'length-shorter', lines: [`Content-Length: ${rng.int(length + 1)}`], body };
    case 3:
      return { family: 'length-longer', lines: [`Content-Length: ${length + 1 + rng.int(1000)}`], body };
    case 4:
      return {
        family: 'length-invalid',
        lines: [`Content-Length: ${rng.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 5', '0x10', ''])}`],
        body,
      };
    case 5:
      return {
        family: 'length-duplicate',
        lines: [`Content-Length: ${length}`, `Content-Length: ${length + 1}`],
        body,
      };
    case 6: {
      const chunks = body.length === 0 ? '' : `${length.toString(16)}\r\n${body}\r\n`;
      const tail = rng.pick(['0\r\n\r\n', '', '0\r\n', 'zz\r\n\r\n', '0\r\nX-Trailer: 1\r\n\r\n', '-1\r\n\r\n']);
      return { family: 'chunked', lines: ['Transfer-Encoding: chunked'], body: chunks + tail };
    }
    case 7:
      return {
        family: 'transfer-encoding-odd',
        lines: [`Transfer-Encoding: ${rng.pick(['gzip', 'chunked, chunked', 'identity', 'x', 'gzip, chunked'])}`],
        body: `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      };
    default:
      return {
        family: 'length-and-chunked',
        lines: [`Content-Length: ${length}`, 'Transfer-Encoding: chunked'],
        body: `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      };
  }
}

/** One raw request; `ids` are registrations the request may aim at (never the witness). */
export function rawCase(rng: Rng, ids: readonly string[]): RawCase {
  const roll = rng.int(20);
  if (roll === 2) return upgradeCase(rng, ids);
  if (roll === 3) {
    // Several requests in one write (HTTP/1.1 pipelining): each must be answered in turn or refused.
    const parts = Array.from({ length: 2 + rng.int(3) }, () => rawCase(rng, ids));
    return {
      family: 'pipelined',
      bytes: Buffer.concat(parts.map((p) => p.bytes)),
      mayUpgrade: parts.some((p) => p.mayUpgrade),
      mayDrop: parts.some((p) => p.mayDrop),
    };
  }
  if (roll === 0) {
    // Not HTTP at all.
    const bytes = rng.chance(0.5)
      ? rng.bytes(1 + rng.int(300))
      : Buffer.from(
          rng.pick([
            '\r\n\r\n',
            'GET\r\n\r\n',
            'GET / HTTP/1.1\n\n',
            '\u0016\u0003\u0001\u0000',
            'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
          ]),
        );
    return { family: 'not-http', bytes, mayUpgrade: false, mayDrop: /^[\r\n]*$/.test(bytes.toString('latin1')) };
  }
  const method = roll === 1 ? rng.pick(['G ET', '', 'X'.repeat(40), 'GÉT', 'M-SEARCH', 'ACL']) : rng.pick(methods);
  const { family: pathFamily, path } = target(rng, ids);
  const version = rng.chance(0.9)
    ? 'HTTP/1.1'
    : rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', 'http/1.1', '']);
  const headers = headerLines(rng);
  const body = framing(rng);
  const eol = rng.chance(0.95) ? '\r\n' : '\n';
  const head = [`${method} ${path} ${version}`.trimEnd(), ...headers.lines, ...body.lines].join(eol);
  const family = rng.pick([pathFamily, headers.family, body.family]);
  return {
    family: roll === 1 ? 'method-junk' : family,
    bytes: Buffer.from(`${head}${eol}${eol}${body.body}`, 'utf8'),
    mayUpgrade: headers.lines.includes('Upgrade: websocket'),
    mayDrop: method === 'CONNECT',
    cut: rng.chance(0.05),
  };
}

/** A well-formed WebSocket upgrade (valid key, version 13) aimed at an odd or real target. */
function upgradeCase(rng: Rng, ids: readonly string[]): RawCase {
  const id = ids.length > 0 ? rng.pick(ids) : '0'.repeat(32);
  const path = rng.pick([
    ...urlHostile,
    '/admin',
    '/admin?token=',
    '/admin?token=%zz',
    `/admin?token=${'x'.repeat(2_000)}`,
    '/ws/',
    `/ws/${id}`,
    `/ws/${id}?x=%zz`,
    '/ws/%zz',
    '/',
    '*',
    '/dashboard/',
  ]);
  const origin = rng.chance(0.3)
    ? [`Origin: ${rng.pick(['http://allowed.example', 'null', 'http://evil.example', ''])}`]
    : [];
  const head = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    `Sec-WebSocket-Version: ${rng.pick(['13', '13', '8'])}`,
    ...origin,
  ];
  return {
    family: 'upgrade-target',
    bytes: Buffer.from(`${head.join('\r\n')}\r\n\r\n`),
    mayUpgrade: true,
    mayDrop: false,
  };
}

/**
 * Inputs that once broke the hub, sent in every round whatever the seed.
 * - `GET //` with an Upgrade header: with the dashboard on, its upgrade hook called
 *   `new URL('//', base)`, which throws: an uncaught exception that killed the process.
 * - A refused upgrade (unknown id, origin, admin token) followed by more bytes (frames sent
 *   before the 101): nobody read them, so the hub never saw the client's FIN and kept the socket
 *   (one file descriptor per request, and `stop()` never finished).
 */
export function regressionCases(): RawCase[] {
  const upgrade = (path: string, more = ''): Buffer =>
    Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${more}\r\n`,
    );
  const trailing = [Buffer.alloc(100, 0x81), Buffer.alloc(200_000, 0x61)];
  const refused = ['/ws/0123456789abcdef0123456789abcdef', '/nowhere', '/admin?token=wrong'];
  return [
    ...urlHostile.map((path) => ({ family: 'regression', bytes: upgrade(path), mayUpgrade: false, mayDrop: false })),
    ...refused.flatMap((path) =>
      trailing.map((then) => ({ family: 'regression', bytes: upgrade(path), then, mayUpgrade: false, mayDrop: false })),
    ),
    ...trailing.map((then) => ({
      family: 'regression',
      bytes: upgrade('/ws/0123456789abcdef0123456789abcdef', 'Origin: http://evil.example\r\n'),
      then,
      mayUpgrade: false,
      mayDrop: false,
    })),
  ];
}
