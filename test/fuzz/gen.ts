/**
 * Seeded generators of malformed HTTP input for the fuzz test (fuzz.integration.test.ts): JSON
 * bodies for `/register` and `/publish`, and raw request bytes (methods, paths, headers, framing)
 * that `http.request` would refuse to send. Same seed, same inputs. Used only by tests.
 */

/** A small, fast, seeded PRNG (mulberry32): reproducible across runs and platforms. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** What the hub must answer: a 200, a 4xx (with this error code when given), or either. */
export type HttpExpect = { kind: 'ok' } | { kind: 'reject'; status?: number; code?: string } | { kind: 'any' };

/** One HTTP request sent through `http.request` (body in one piece, or chunked in several). */
export interface BodyCase {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Pieces of the body; more than one (and no content-length) means chunked transfer encoding. */
  body: Buffer[];
  expect: HttpExpect;
}

const json = { 'content-type': 'application/json' };
const reject = (code?: string, status = 400): HttpExpect =>
  code === undefined ? { kind: 'reject', status } : { kind: 'reject', status, code };

/** Number tokens, as raw JSON text, that are never a valid user id. */
const badIdTokens = ['-1', '-0.5', '1.5', '1e400', '-1e400', '9007199254740992', '9007199254740993', '1e300', '0.1'];
/** JSON values (raw text) of every type but number. */
const nonNumberTokens = ['null', 'true', 'false', '"1"', '""', '[]', '[1]', '{}', '{"user_id":1}', '"\\u0000"'];
const validIdTokens = ['0', '-0', '1', '42', '9007199254740991', '1e3', '1.0', '2E2'];

/** A short string literal (JSON text) drawn from awkward characters: escapes, unicode, lone surrogates. */
export function stringLiteral(rng: Rng, maxLength = 12, minLength = 0): string {
  const parts = [
    'a',
    'Z',
    ' ',
    '\\"',
    '\\\\',
    '\\n',
    '\\u0000',
    '\\ud800',
    '\\udfff',
    'é',
    '😀',
    '\u202e',
    '/',
    '%',
    '{',
    ']',
  ];
  let text = '';
  const length = minLength + rng.int(maxLength - minLength + 1);
  for (let i = 0; i < length; i++) text += rng.pick(parts);
  return `"${text}"`;
}

/** Any JSON value as text, nested at most `depth` levels. */
export function jsonValue(rng: Rng, depth = 3): string {
  const roll = rng.int(depth > 0 ? 8 : 5);
  switch (roll) {
    case 0:
      return rng.pick(['null', 'true', 'false']);
    case 1:
      return rng.pick([...badIdTokens, ...validIdTokens, '123456789012345678901234567890', '1e-400']);
    case 2:
    case 3:
      return stringLiteral(rng);
    case 4:
      return rng.pick(['[]', '{}', '""']);
    case 5:
    case 6: {
      const items = Array.from({ length: rng.int(4) }, () => jsonValue(rng, depth - 1));
      return `[${items.join(',')}]`;
    }
    default: {
      const keys = ['user_id', 'topic', 'message', 'topics', 'a', '__proto__', 'constructor', ''];
      const entries = Array.from({ length: rng.int(4) }, () => `"${rng.pick(keys)}":${jsonValue(rng, depth - 1)}`);
      return `{${entries.join(',')}}`;
    }
  }
}

/** Deeply nested JSON text: arrays or objects, closed or left open. */
export function deepNesting(rng: Rng, levels: number): { text: string; closed: boolean } {
  const closed = rng.chance(0.5);
  const arrays = rng.chance(0.5);
  const open = arrays ? '['.repeat(levels) : '{"a":'.repeat(levels);
  const inner = arrays ? '' : '1';
  const close = arrays ? ']'.repeat(levels) : '}'.repeat(levels);
  return { text: closed ? open + inner + close : open + inner, closed };
}

/** Extra fields (ignored by the hub) to append to a valid object: `,"k":v...`. */
function extraFields(rng: Rng): string {
  const count = rng.chance(0.6) ? 0 : 1 + rng.int(3);
  let text = '';
  for (let i = 0; i < count; i++)
    text += `,${rng.pick(['"extra"', '"__proto__"', '"USER_ID"', '"x"'])}:${jsonValue(rng, 2)}`;
  return text;
}

/** Options that shape the body cases. */
export interface BodyLimits {
  maxBodyBytes: number;
  maxMessageBytes: number;
  maxTopicLength: number;
}

/** Device names handed out so far (each fresh: a reused name with another user would be a 409). */
let nameSeq = 0;

/** A valid register body, or one with exactly one known fault. */
function registerBody(rng: Rng, limits: BodyLimits): { family: string; text: string | Buffer; expect: HttpExpect } {
  const ok = (): string => `{"user_id":${rng.pick(validIdTokens)}${extraFields(rng)}}`;
  switch (rng.int(11)) {
    case 9: {
      // A device name: a fresh one registers (or comes back); a wrong one is refused.
      if (rng.chance(0.5))
        return { family: 'named', text: `{"user_id":1,"name":"fuzz-${++nameSeq}"}`, expect: { kind: 'ok' } };
      const bad = rng.pick(['""', '1', 'true', '[]', '{}', `"${'n'.repeat(101)}"`]);
      return { family: 'bad-name', text: `{"user_id":1,"name":${bad}}`, expect: reject('invalid_body') };
    }
    case 0:
      return { family: 'valid', text: ok(), expect: { kind: 'ok' } };
    case 1:
      return {
        family: 'wrong-type',
        text: `{"user_id":${rng.pick([...badIdTokens, ...nonNumberTokens])}${extraFields(rng)}}`,
        expect: reject('invalid_user_id'),
      };
    case 2: {
      const other = `{"userId":1${extraFields(rng)}}`;
      return { family: 'missing-field', text: other, expect: reject('invalid_user_id') };
    }
    case 3:
      return {
        family: 'not-object',
        text: rng.pick(['[]', '[{"user_id":1}]', 'null', '1', '"x"', 'true', stringLiteral(rng)]),
        expect: reject('invalid_body'),
      };
    case 4:
      return truncated(rng, ok());
    case 5:
      return corruptBytes(rng, ok());
    case 6:
      return randomJson(rng);
    case 7:
      return nested(rng, 'user_id');
    case 8:
      return sized(rng, limits, (pad) => `{"user_id":1,"pad":"${pad}"}`, { kind: 'ok' });
    default:
      return {
        family: 'dup-keys-whitespace',
        text: rng.pick([
          `{"user_id":"x","user_id":7}`,
          ` \t\r\n{"user_id":7} \n`,
          `{"user_id":7}{"user_id":8}`,
          `{"user_id":7,}`,
          `{'user_id':7}`,
          `{"user_id":07}`,
          `{"user_id":0x10}`,
          `{"user_id":NaN}`,
          `{"user_id":Infinity}`,
          `{"user_id":+1}`,
        ]),
        expect: { kind: 'any' },
      };
  }
}

/** A valid publish body, or one with exactly one known fault. */
function publishBody(rng: Rng, limits: BodyLimits): { family: string; text: string | Buffer; expect: HttpExpect } {
  const topic = (): string => rng.pick(['"fuzz-topic"', '"é😀"', `"${'t'.repeat(limits.maxTopicLength)}"`]);
  const userPart = (): string => rng.pick(['', ',"user_id":null', ',"user_id":5', ',"user_id":-0']);
  const ok = (): string => `{"topic":${topic()},"message":${stringLiteral(rng, 30)}${userPart()}${extraFields(rng)}}`;
  switch (rng.int(12)) {
    case 0:
      return { family: 'valid', text: ok(), expect: { kind: 'ok' } };
    case 1: {
      const bad = rng.pick([
        '""',
        `"${'t'.repeat(limits.maxTopicLength + 1)}"`,
        ...nonNumberTokens.slice(0, 3),
        '1',
        '["a"]',
        '{}',
      ]);
      return { family: 'wrong-type', text: `{"topic":${bad},"message":"m"}`, expect: reject('invalid_topic') };
    }
    case 2: {
      const bad = rng.pick(['null', '1', 'true', '["m"]', '{"m":1}', '1e400']);
      return { family: 'wrong-type', text: `{"topic":"t","message":${bad}}`, expect: reject('invalid_message') };
    }
    case 3: {
      const bad = rng.pick([...badIdTokens, '"5"', 'true', '[]', '{}']);
      return {
        family: 'wrong-type',
        text: `{"topic":"t","message":"m","user_id":${bad}}`,
        expect: reject('invalid_user_id'),
      };
    }
    case 4:
      return rng.chance(0.5)
        ? { family: 'missing-field', text: `{"message":"m"${extraFields(rng)}}`, expect: reject('invalid_topic') }
        : { family: 'missing-field', text: `{"topic":"t"${extraFields(rng)}}`, expect: reject('invalid_message') };
    case 5:
      return {
        family: 'not-object',
        text: rng.pick(['[]', 'null', '0', '"topic"', '[{"topic":"t","message":"m"}]']),
        expect: reject('invalid_body'),
      };
    case 6:
      return truncated(rng, ok());
    case 7:
      return corruptBytes(rng, ok());
    case 8:
      return randomJson(rng);
    case 9:
      return nested(rng, rng.pick(['topic', 'message', 'user_id']));
    case 10:
      // A message over maxMessageBytes in a body under maxBodyBytes: 413 message_too_large.
      return {
        family: 'message-too-large',
        text: `{"topic":"t","message":"${'m'.repeat(limits.maxMessageBytes + 1 + rng.int(100))}"}`,
        expect: reject('message_too_large', 413),
      };
    default:
      return sized(rng, limits, (pad) => `{"topic":"t","message":"m","pad":"${pad}"}`, { kind: 'ok' });
  }
}

/** A valid body cut short (before its last brace): never valid JSON. */
function truncated(rng: Rng, text: string): { family: string; text: string; expect: HttpExpect } {
  const cut = text.slice(0, rng.int(text.lastIndexOf('}')));
  return { family: 'truncated', text: cut, expect: reject(cut.trim() === '' ? 'invalid_body' : 'bad_json') };
}

/** Bytes that are not UTF-8, raw NULs or a BOM spliced into a valid body. */
function corruptBytes(rng: Rng, text: string): { family: string; text: Buffer; expect: HttpExpect } {
  const bad = rng.pick([
    [0xff],
    [0xfe, 0xff],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
    [0x00],
    [0x00, 0x00, 0x00],
    [0x1b],
  ]);
  const bytes = Buffer.from(text, 'utf8');
  if (rng.chance(0.25)) {
    // A BOM before the body: JSON.parse refuses it today; accepting it would be fine too.
    return { family: 'bom', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), expect: { kind: 'any' } };
  }
  const at = rng.int(bytes.length + 1);
  const spliced = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  // Inside a string literal, a bad byte decodes to U+FFFD (valid); a raw NUL there is not JSON.
  return { family: 'bad-bytes', text: spliced, expect: { kind: 'any' } };
}

function randomJson(rng: Rng): { family: string; text: string; expect: HttpExpect } {
  return { family: 'random-json', text: jsonValue(rng, 4), expect: { kind: 'any' } };
}

/** 10,000 levels of nesting, alone or as a field's value. */
function nested(rng: Rng, field: string): { family: string; text: string; expect: HttpExpect } {
  const deep = deepNesting(rng, 2_000 + rng.int(8_001));
  if (rng.chance(0.5)) {
    if (!deep.closed) return { family: 'deep-nesting', text: deep.text, expect: reject('bad_json') };
    return { family: 'deep-nesting', text: deep.text, expect: reject() };
  }
  const text = `{"${field}":${deep.text}}`;
  return { family: 'deep-nesting', text, expect: deep.closed ? reject() : reject('bad_json') };
}

/** A body just over maxBodyBytes (413) or just under it (answered on its merits). */
function sized(
  rng: Rng,
  limits: BodyLimits,
  wrap: (pad: string) => string,
  under: HttpExpect,
): { family: string; text: string; expect: HttpExpect } {
  const bare = Buffer.byteLength(wrap(''));
  const over = rng.chance(0.5);
  const target = over ? limits.maxBodyBytes + 1 + rng.int(1024) : limits.maxBodyBytes - rng.int(64);
  const text = wrap('p'.repeat(Math.max(0, target - bare)));
  return over
    ? { family: 'body-too-large', text, expect: reject('body_too_large', 413) }
    : { family: 'body-just-under', text, expect: under };
}

/**
 * A binary publish: `POST /publish?<query>` with an octet-stream body, and the answer its query and
 * size must get (the same checks as JSON, from the query).
 */
function octetPublish(
  rng: Rng,
  limits: BodyLimits,
): { family: string; path: string; body: Buffer; expect: HttpExpect } {
  const size = (max: number): number => rng.int(Math.min(max, 2_048) + 1);
  const bytes = (n: number): Buffer => rng.bytes(n);
  const topic = `octet-${rng.int(1_000_000)}`;
  switch (rng.int(8)) {
    case 0:
      return {
        family: 'octet:valid',
        path: `/publish?topic=${topic}`,
        body: bytes(size(limits.maxMessageBytes)),
        expect: { kind: 'ok' },
      };
    case 1: {
      const query = `topic=${topic}&user_id=${rng.int(1_000)}&retain=${rng.pick(['true', 'false'])}`;
      return { family: 'octet:valid', path: `/publish?${query}`, body: bytes(size(64)), expect: { kind: 'ok' } };
    }
    case 2:
      return {
        family: 'octet:topic',
        path: `/publish?${rng.pick(['', 'topic=', `topic=${'t'.repeat(limits.maxTopicLength + 1)}`, 'Topic=a'])}`,
        body: bytes(8),
        expect: reject('invalid_topic'),
      };
    case 3:
      return {
        family: 'octet:user_id',
        path: `/publish?topic=${topic}&user_id=${rng.pick(['-1', '1.5', 'x', '99999999999999999', '%00'])}`,
        body: bytes(8),
        expect: reject('invalid_user_id'),
      };
    case 4:
      return {
        family: 'octet:retain',
        path: `/publish?topic=${topic}&retain=${rng.pick(['yes', '1', 'TRUE', ''])}`,
        body: bytes(8),
        expect: reject('invalid_query'),
      };
    case 5:
      return {
        family: 'octet:message-too-large',
        path: `/publish?topic=${topic}`,
        body: bytes(limits.maxMessageBytes + 1 + rng.int(100)),
        expect: reject('message_too_large', 413),
      };
    case 6:
      return {
        family: 'octet:body-too-large',
        path: `/publish?topic=${topic}`,
        body: bytes(limits.maxBodyBytes + 1 + rng.int(100)),
        expect: reject('body_too_large', 413),
      };
    default:
      return { family: 'octet:empty', path: `/publish?topic=${topic}`, body: Buffer.alloc(0), expect: { kind: 'ok' } };
  }
}

const otherTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/json',
  'json',
  '*/*',
];
const jsonTypes = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/json;',
];

/** Authorization headers that never carry `token`: missing, malformed, wrong, or the token mangled. */
function wrongAuthorization(rng: Rng, token: string): string | null {
  return rng.pick([
    null,
    '',
    'Bearer',
    'Bearer ',
    `Basic ${token}`,
    `Bearer ${token.slice(1)}`,
    `Bearer ${token}x`,
    `Bearer ${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`,
    `Bearer ${token} ${token}`,
    `Bearer ${'t'.repeat(5_000)}`,
    token,
  ]);
}

/**
 * One generated request to `POST /register` or `POST /publish`. With an access `token`, most
 * requests carry it; the others carry a wrong or malformed one and must get 401 before anything else.
 */
export function bodyCase(rng: Rng, limits: BodyLimits, token: string | null = null): BodyCase {
  let route = rng.chance(0.5) ? '/register' : '/publish';
  const label = route.slice(1);
  const made = route === '/register' ? registerBody(rng, limits) : publishBody(rng, limits);
  let body = typeof made.text === 'string' ? Buffer.from(made.text, 'utf8') : made.text;
  let headers: Record<string, string> = json;
  let expect = made.expect;
  let family = `${label}:${made.family}`;
  const roll = rng.int(10);
  if (roll === 2) {
    // Bytes: a binary publish, or octet-stream where only JSON is taken.
    headers = { 'content-type': rng.pick(['application/octet-stream', 'application/octet-stream; x=1']) };
    if (route === '/publish') {
      const octet = octetPublish(rng, limits);
      [route, body, expect, family] = [octet.path, octet.body, octet.expect, `publish:${octet.family}`];
    } else {
      expect = reject('unsupported_media_type', 415);
      family = 'register:content-type';
    }
  } else if (roll === 0 && expect.kind !== 'reject') {
    headers = { 'content-type': rng.pick(otherTypes) };
    expect = reject('unsupported_media_type', 415);
    family = `${label}:content-type`;
  } else if (roll === 1) {
    headers = rng.chance(0.5) ? {} : { 'content-type': rng.pick(jsonTypes) };
  }
  if (token !== null) {
    if (rng.chance(0.1)) {
      const wrong = wrongAuthorization(rng, token);
      headers = wrong === null ? headers : { ...headers, authorization: wrong };
      expect = reject('unauthorized', 401);
      family = `${label}:unauthorized`;
    } else {
      headers = { ...headers, authorization: `${rng.pick(['Bearer', 'bearer', 'BEARER'])} ${token}` };
    }
  }
  // Chunked transfer (several writes, no content-length) for some bodies.
  const pieces: Buffer[] = [];
  if (rng.chance(0.2) && body.length > 1) {
    let at = 0;
    while (at < body.length) {
      const size = 1 + rng.int(Math.max(1, Math.min(body.length - at, 4096)));
      pieces.push(body.subarray(at, at + size));
      at += size;
    }
    if (pieces.length === 1) pieces.push(Buffer.alloc(0));
  } else {
    pieces.push(body);
  }
  return { family, method: 'POST', path: route, headers, body: pieces, expect };
}
