/**
 * WebSocket frames for the fuzz test, built bit by bit (RFC 6455 §5.2): a frame encoder, a
 * parser for what the hub sends back, and seeded cases (protocol violations, bad UTF-8,
 * fragmentation, oversized frames, odd `{"topics": …}` shapes). Used only by tests.
 */
import { encodeBinaryFrame } from '../../shared/protocol';
import { deepNesting, jsonValue, stringLiteral, type Rng } from './gen';

/** One frame as sent by a client; everything a real client library would refuse is allowed. */
export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  rsv?: number;
  /** Default true (clients must mask). */
  masked?: boolean;
  /** Length written in the header when it must lie (the payload is still what is sent). */
  declaredLength?: bigint;
  /** Force the 16- or 64-bit length form even for a short payload. */
  lengthForm?: 16 | 64;
}

/** Encodes one client frame. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0));
  const masked = spec.masked ?? true;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 65_536n ? 16 : 64);
  const head = Buffer.alloc(2 + (form === 16 ? 2 : form === 64 ? 8 : 0) + (masked ? 4 : 0));
  head[0] = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  let at = 2;
  if (form === 7) head[1] = maskBit | Number(length);
  else if (form === 16) {
    head[1] = maskBit | 126;
    head.writeUInt16BE(Number(length & 0xffffn), 2);
    at = 4;
  } else {
    head[1] = maskBit | 127;
    head.writeBigUInt64BE(length, 2);
    at = 10;
  }
  if (!masked) return Buffer.concat([head, payload]);
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  key.copy(head, at);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([head, body]);
}

/** A frame the hub sent (server frames are never masked). */
export interface ServerFrame {
  opcode: number;
  fin: boolean;
  payload: Buffer;
}

/** Splits a byte stream from the hub into frames, keeping any incomplete tail for the next call. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): ServerFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: ServerFrame[] = [];
    for (;;) {
      const b = this.#buffer;
      if (b.length < 2) break;
      let length = (b[1] as number) & 0x7f;
      let at = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + length) break;
      frames.push({
        opcode: (b[0] as number) & 0x0f,
        fin: ((b[0] as number) & 0x80) !== 0,
        payload: b.subarray(at, at + length),
      });
      this.#buffer = b.subarray(at + length);
    }
    return frames;
  }
}

/** A readable description of client frames (unmasked), for failure messages. */
export function describeFrames(bytes: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const b0 = bytes[at] as number;
    const b1 = bytes[at + 1];
    if (b1 === undefined) break;
    let length = b1 & 0x7f;
    let head = at + 2;
    if (length === 126 && head + 2 <= bytes.length) {
      length = bytes.readUInt16BE(head);
      head += 2;
    } else if (length === 127 && head + 8 <= bytes.length) {
      const big = bytes.readBigUInt64BE(head);
      length = big > BigInt(bytes.length) ? bytes.length + 1 : Number(big);
      head += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? bytes.subarray(head, head + 4) : null;
    if (masked) head += 4;
    if (head + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(head, head + length));
    if (key) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (key[i & 3] as number);
    const flags = `${b0 & 0x80 ? 'fin ' : ''}${b0 & 0x70 ? `rsv=${(b0 >> 4) & 7} ` : ''}${masked ? '' : 'unmasked '}`;
    const shown = JSON.stringify(payload.subarray(0, 80).toString('latin1'));
    parts.push(`[${flags}op=${b0 & 0x0f} len=${length} ${shown}${length > 80 ? '…' : ''}]`);
    at = head + length;
  }
  if (at < bytes.length)
    parts.push(`[raw ${bytes.subarray(at, at + 40).toString('hex')}${bytes.length - at > 40 ? '…' : ''}]`);
  return parts.join(' ');
}

/** The code of a close frame's payload (1005 when it has none). */
export function closeCodeOf(payload: Buffer): number {
  return payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
}

/**
 * What the hub must do with a case's frames:
 * - `open`: stay open and answer exactly these error codes (JSON error frames), in order;
 * - `close`: send a close frame with one of these codes;
 * - `any`: either of the above, with any documented error or close code;
 * - `ends`: the client half-closes after its bytes; the hub must close the socket (no hang);
 * - `cut`: the client destroys its socket right after its bytes; the hub must just cope.
 */
export type WsExpect =
  | { kind: 'open'; errors: string[] }
  | { kind: 'close'; codes: number[] }
  | { kind: 'any' }
  | { kind: 'ends' }
  | { kind: 'cut' };

/** One case: frames written after the handshake, and the expected outcome. */
export interface WsCase {
  family: string;
  frames: Buffer[];
  expect: WsExpect;
  /** When set, after the probe the test publishes to this topic and the socket must receive it. */
  subscribes?: string;
  /** Frames written in the same packet as the upgrade request (they reach the hub as the upgrade's `head`). */
  early?: boolean;
}

/** Close codes the hub (or `ws` for it) may use on a device socket. */
export const documentedCloseCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009];
/** True for a documented close code (1xxx above, or the application range 4000–4999). */
export function isDocumentedClose(code: number): boolean {
  return documentedCloseCodes.includes(code) || (code >= 4000 && code <= 4999);
}

const text = (payload: Buffer | string, more: Partial<FrameSpec> = {}): Buffer =>
  encodeFrame({ opcode: 1, payload, ...more });
const open = (...errors: string[]): WsExpect => ({ kind: 'open', errors });
const close = (...codes: number[]): WsExpect => ({ kind: 'close', codes });

/** Splits `payload` into 2..n fragments (first opcode `opcode`, then continuations), pings maybe between. */
export function fragments(rng: Rng, opcode: number, payload: Buffer): Buffer[] {
  const count = 2 + rng.int(Math.min(6, Math.max(1, payload.length)));
  const cuts = Array.from({ length: count - 1 }, () => rng.int(payload.length + 1)).sort((a, b) => a - b);
  const frames: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    const to = i < count - 1 ? (cuts[i] as number) : payload.length;
    frames.push(
      encodeFrame({ opcode: i === 0 ? opcode : 0, fin: i === count - 1, payload: payload.subarray(from, to) }),
    );
    if (i < count - 1 && rng.chance(0.3)) frames.push(encodeFrame({ opcode: 9, payload: 'mid' }));
    from = to;
  }
  return frames;
}

const badUtf8 = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** A `{"topics": …}` frame text with its expected answer. */
function topicsFrame(rng: Rng, maxTopics: number, maxTopicLength: number): { text: string; errors: string[] } {
  switch (rng.int(9)) {
    case 0:
      return {
        text: `{"topics":${rng.pick(['"cats"', '1', 'null', '{}', 'true', '{"0":"a"}'])}}`,
        errors: ['invalid_topics'],
      };
    case 1:
      return {
        text: `{"topics":[${rng.pick(['1', 'null', '""', '[]', '{}', '["a"]', `"${'t'.repeat(maxTopicLength + 1)}"`])}]}`,
        errors: ['invalid_topics'],
      };
    case 2: {
      const n = maxTopics + 1 + rng.int(2_000);
      return {
        text: JSON.stringify({ topics: Array.from({ length: n }, (_, i) => `t${i}`) }),
        errors: ['invalid_topics'],
      };
    }
    case 3: {
      // Many duplicates fold into one topic: fine however long the list.
      const n = 1 + rng.int(maxTopics);
      return { text: JSON.stringify({ topics: Array.from({ length: n }, (_, i) => `d${i % 3}`) }), errors: [] };
    }
    case 4: {
      const deep = deepNesting(rng, 1_000 + rng.int(9_000));
      return { text: `{"topics":${deep.text}}`, errors: [deep.closed ? 'invalid_topics' : 'bad_frame'] };
    }
    case 5:
      return { text: deepNesting(rng, 1_000 + rng.int(9_000)).text, errors: ['bad_frame'] };
    case 6:
      return {
        text: rng.pick([
          '[]',
          'null',
          '"topics"',
          '{"Topics":[]}',
          '{}',
          'pingpong',
          'PING',
          '',
          '{"topics":[]',
          '\u0000',
        ]),
        errors: ['bad_frame'],
      };
    case 7:
      return {
        text: rng.pick([
          ' ping ',
          'ping',
          '\nping\t',
          '{"topics":[]}',
          '{"topics":["a","é😀"],"x":1}',
          `{"topics":[${stringLiteral(rng, 12, 1)}]}`,
        ]),
        errors: [],
      };
    default:
      return { text: `{"topics":${jsonValue(rng, 3)}}`, errors: ['?'] };
  }
}

/** A topic nobody subscribes to: fuzzed publishes must reach no socket. */
const unheardTopic = 'fuzz-device-publish';

/**
 * A device-protocol frame (publish, application ping, topics with a format) and the answer it must
 * get: `ack`, `pong`, an error code, or nothing.
 */
function deviceFrame(rng: Rng, limits: WsLimits, n: number): { text: string | Buffer; answer: string | null } {
  const id = rng.pick<unknown>([n, `id-${n}`, 0, -1.5, '', stringLiteral(rng, 16)]);
  const publish = (body: unknown, frameId: unknown = id): string => JSON.stringify({ publish: body, id: frameId });
  switch (rng.int(15)) {
    case 0:
      return { text: publish({ topic: unheardTopic, message: stringLiteral(rng, 40) }), answer: 'ack' };
    case 1:
      return {
        text: JSON.stringify({ publish: { topic: unheardTopic, message: 'x', user_id: rng.int(9) } }),
        answer: null,
      };
    case 2:
      return {
        text: publish({ topic: rng.pick<unknown>(['', 1, null, 't'.repeat(limits.maxTopicLength + 1)]), message: 'x' }),
        answer: 'invalid_topic',
      };
    case 3:
      return {
        text: publish({ topic: unheardTopic, message: rng.pick<unknown>([1, null, [], {}]) }),
        answer: 'invalid_message',
      };
    case 4:
      return {
        text: publish({ topic: unheardTopic, message: 'x', user_id: rng.pick<unknown>([-1, 1.5, '3', 2 ** 60]) }),
        answer: 'invalid_user_id',
      };
    case 5:
      return { text: publish(rng.pick<unknown>(['cats', 3, [], null, true])), answer: 'invalid_body' };
    case 6:
      return {
        text: publish({ topic: unheardTopic, message: 'm'.repeat(limits.maxMessageBytes + 1 + rng.int(100)) }),
        answer: 'message_too_large',
      };
    case 7:
      return {
        text: publish({ topic: unheardTopic, message: 'x' }, rng.pick<unknown>([{}, [], true, 'i'.repeat(129)])),
        answer: 'bad_frame',
      };
    case 8:
      return { text: `{"ping":${jsonValue(rng, 2)}}`, answer: 'pong' };
    case 9:
      return { text: JSON.stringify({ topics: [`dev-${n}`], format: rng.pick(['raw', 'envelope']) }), answer: null };
    case 10:
      return {
        text: JSON.stringify({ topics: [`dev-${n}`], format: rng.pick<unknown>(['xml', 1, null, 'RAW']) }),
        answer: 'bad_frame',
      };
    case 12: {
      // A binary publish: [length][JSON header][bytes].
      const bytes = rng.bytes(rng.int(300));
      const header = rng.chance(0.5) ? { publish: { topic: unheardTopic }, id } : { publish: { topic: unheardTopic } };
      return { text: Buffer.from(encodeBinaryFrame(header, bytes)), answer: 'id' in header ? 'ack' : null };
    }
    case 13: {
      const over = Buffer.alloc(limits.maxMessageBytes + 1 + rng.int(100), 7);
      return {
        text: Buffer.from(encodeBinaryFrame({ publish: { topic: unheardTopic }, id }, over)),
        answer: 'message_too_large',
      };
    }
    case 14: {
      const [header, answer] = rng.pick<[unknown, string]>([
        [{ publish: { topic: '' }, id }, 'invalid_topic'],
        [{ publish: 'cats', id }, 'invalid_body'],
        [{ topics: ['x'] }, 'bad_frame'],
        [null, 'bad_frame'],
        [[], 'bad_frame'],
      ]);
      return { text: Buffer.from(encodeBinaryFrame(header, rng.bytes(8))), answer };
    }
    default:
      return { text: `{"publish":${jsonValue(rng, 2)}}`, answer: '?' };
  }
}

/** Limits the cases are shaped around. */
export interface WsLimits {
  maxPayloadBytes: number;
  maxMessageBytes: number;
  maxTopics: number;
  maxTopicLength: number;
}

/** One generated case; `n` makes subscribed topics unique. */
export function wsCase(rng: Rng, limits: WsLimits, n: number): WsCase {
  const item = shapedCase(rng, limits, n);
  const shaped: WsCase = rng.chance(0.05)
    ? { family: `${item.family}+cut`, frames: item.frames, expect: { kind: 'cut' } }
    : item;
  return rng.chance(0.15) ? { ...shaped, early: true } : shaped;
}

function shapedCase(rng: Rng, limits: WsLimits, n: number): WsCase {
  switch (rng.int(22)) {
    case 0:
      return { family: 'unmasked', frames: [text('{"topics":["a"]}', { masked: false })], expect: close(1002) };
    case 1:
      return { family: 'rsv-bits', frames: [text('ping', { rsv: 1 + rng.int(7) })], expect: close(1002) };
    case 2:
      return {
        family: 'unknown-opcode',
        frames: [encodeFrame({ opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: 'x' })],
        expect: close(1002),
      };
    case 3:
      return {
        family: 'control-too-long',
        frames: [encodeFrame({ opcode: rng.pick([8, 9, 10]), payload: Buffer.alloc(126 + rng.int(200), 0x61) })],
        expect: close(1002),
      };
    case 4:
      return {
        family: 'control-fragmented',
        frames: [encodeFrame({ opcode: rng.pick([9, 10]), fin: false, payload: 'p' })],
        expect: close(1002),
      };
    case 5:
      return {
        family: 'continuation-alone',
        frames: [encodeFrame({ opcode: 0, fin: rng.chance(0.5), payload: 'x' })],
        expect: close(1002),
      };
    case 6:
      return {
        family: 'fragment-interrupted',
        frames: [text('{"topi', { fin: false }), encodeFrame({ opcode: rng.pick([1, 2]), payload: 'cs":[]}' })],
        expect: close(1002),
      };
    case 7: {
      const bad = Buffer.from(rng.pick(badUtf8));
      const payload = Buffer.concat([Buffer.from('{"topics":["'), bad, Buffer.from('"]}')]);
      return {
        family: 'invalid-utf8',
        frames: rng.chance(0.5) ? [text(payload)] : fragments(rng, 1, payload),
        expect: close(1007),
      };
    }
    case 8: {
      const payload = rng.chance(0.5) ? rng.bytes(1 + rng.int(200)) : Buffer.from('{"topics":["x"]}');
      return {
        family: 'binary',
        frames: rng.chance(0.5) ? [encodeFrame({ opcode: 2, payload })] : fragments(rng, 2, payload),
        expect: open('bad_frame'),
      };
    }
    case 9: {
      const size = limits.maxPayloadBytes + 1 + rng.int(1024);
      const big = Buffer.alloc(size, 0x20);
      const frames = rng.chance(0.5) ? [text(big)] : fragments(rng, 1, big);
      return { family: 'over-max-payload', frames, expect: close(1009) };
    }
    case 10: {
      // Declared longer than the limit (or 2^63): refused from the header, before any payload.
      const declaredLength = rng.chance(0.5) ? BigInt(limits.maxPayloadBytes + 1) : 0x8000_0000_0000_0000n;
      return { family: 'declared-huge', frames: [text('x', { declaredLength })], expect: close(1009) };
    }
    case 11: {
      const topic = `frag-${n}`;
      const payload = Buffer.from(JSON.stringify({ topics: [topic, 'é😀'] }), 'utf8');
      return { family: 'fragmented-valid', frames: fragments(rng, 1, payload), expect: open(), subscribes: topic };
    }
    case 12: {
      const code = rng.pick([1000, 1001, 1003, 1007, 1008, 1011, 3000, 4000, 4999]);
      const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(rng.pick(['', 'bye', 'é']))]);
      return { family: 'client-close', frames: [encodeFrame({ opcode: 8, payload })], expect: close(code) };
    }
    case 13: {
      const payload = rng.pick([
        Buffer.from([0x03]),
        Buffer.from([0x03, 0xe7]), // 999
        Buffer.from([0x03, 0xed]), // 1005
        Buffer.from([0x03, 0xee]), // 1006
        Buffer.from([0x13, 0x88]), // 5000
        Buffer.from([0x03, 0xe8, 0xff]), // bad UTF-8 reason
      ]);
      return { family: 'close-invalid', frames: [encodeFrame({ opcode: 8, payload })], expect: close(1002, 1007) };
    }
    case 14:
      return { family: 'close-empty', frames: [encodeFrame({ opcode: 8 })], expect: close(1005) };
    case 15:
      return {
        family: 'control-ok',
        frames: [
          encodeFrame({ opcode: 10, payload: 'unsolicited' }),
          encodeFrame({ opcode: 9, payload: rng.bytes(rng.int(126)) }),
          text('ping', { lengthForm: rng.pick([16, 64] as const) }),
        ],
        expect: { kind: 'any' },
      };
    case 16:
    case 17: {
      const frame = topicsFrame(rng, limits.maxTopics, limits.maxTopicLength);
      const payload = Buffer.from(frame.text, 'utf8');
      const frames = rng.chance(0.3) ? fragments(rng, 1, payload) : [text(payload)];
      return {
        family: 'topics-shape',
        frames,
        expect: frame.errors.includes('?') ? { kind: 'any' } : open(...frame.errors),
      };
    }
    case 19:
    case 20: {
      const sequence = Array.from({ length: 1 + rng.int(6) }, () => deviceFrame(rng, limits, n));
      const unknown = sequence.some((frame) => frame.answer === '?');
      return {
        family: 'device-frames',
        frames: sequence.map((frame) =>
          typeof frame.text === 'string' ? text(frame.text) : encodeFrame({ opcode: 2, payload: frame.text }),
        ),
        expect: unknown
          ? { kind: 'any' }
          : open(...sequence.flatMap((frame) => (frame.answer === null ? [] : [frame.answer]))),
      };
    }
    case 18:
      return {
        family: 'truncated-frame',
        frames: [encodeFrame({ opcode: 1, payload: 'abcdef' }).subarray(0, 1 + rng.int(9))],
        expect: { kind: 'ends' },
      };
    default:
      return { family: 'garbage', frames: [rng.bytes(1 + rng.int(64))], expect: { kind: 'ends' } };
  }
}
