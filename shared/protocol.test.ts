import { describe, expect, it } from 'vitest';
import {
  ackJson,
  decodeBinaryFrame,
  encodeBinaryFrame,
  envelopeJson,
  errorFrameJson,
  parseBinaryClientFrame,
  parseBinaryServerFrame,
  parseClientFrame,
  parseServerFrame,
  recoveryJson,
} from './protocol';

describe('parseClientFrame', () => {
  it('reads ping (with or without a newline)', () => {
    expect(parseClientFrame('ping')).toEqual({ ok: true, value: { kind: 'ping' } });
    expect(parseClientFrame('ping\n')).toEqual({ ok: true, value: { kind: 'ping' } });
  });
  it('reads a topics frame, with or without a format', () => {
    expect(parseClientFrame('{"topics":["a","b"]}')).toEqual({
      ok: true,
      value: { kind: 'topics', topics: ['a', 'b'] },
    });
    expect(parseClientFrame('{"topics":["a"],"format":"envelope"}')).toEqual({
      ok: true,
      value: { kind: 'topics', topics: ['a'], format: 'envelope' },
    });
    expect(parseClientFrame('{"topics":[],"format":"raw"}')).toEqual({
      ok: true,
      value: { kind: 'topics', topics: [], format: 'raw' },
    });
  });
  it('reads a publish frame with its id and echo, and without them', () => {
    expect(parseClientFrame('{"publish":{"topic":"t","message":"m","user_id":4},"id":7,"echo":true}')).toEqual({
      ok: true,
      value: { kind: 'publish', publish: { topic: 't', message: 'm', user_id: 4 }, id: 7, echo: true },
    });
    expect(parseClientFrame('{"publish":{"topic":"t","message":""},"id":"a-1"}')).toEqual({
      ok: true,
      value: { kind: 'publish', publish: { topic: 't', message: '' }, id: 'a-1', echo: false },
    });
    expect(parseClientFrame('{"publish":{"topic":"t","message":"m"},"id":null}')).toEqual({
      ok: true,
      value: { kind: 'publish', publish: { topic: 't', message: 'm' }, echo: false },
    });
  });
  it('refuses a bad publish with the publish code and the frame id', () => {
    expect(parseClientFrame('{"publish":{"topic":"","message":"m"},"id":3}')).toEqual({
      ok: false,
      code: 'invalid_topic',
      message: expect.any(String) as string,
      id: 3,
    });
    expect(parseClientFrame('{"publish":{"topic":"t","message":5},"id":"x"}')).toMatchObject({
      code: 'invalid_message',
      id: 'x',
    });
    expect(parseClientFrame('{"publish":"hi","id":1}')).toMatchObject({ code: 'invalid_body', id: 1 });
    expect(parseClientFrame('{"publish":{"topic":"t","message":"m","user_id":-1}}')).toMatchObject({
      code: 'invalid_user_id',
    });
  });
  it('refuses an unusable id without echoing it', () => {
    const long = JSON.stringify({ publish: { topic: 't', message: 'm' }, id: 'x'.repeat(129) });
    expect(parseClientFrame(long)).toEqual({ ok: false, code: 'bad_frame', message: expect.any(String) as string });
    expect(parseClientFrame('{"publish":{"topic":"t","message":"m"},"id":{"a":1}}')).not.toHaveProperty('id');
  });
  it('reads an application ping with any value', () => {
    expect(parseClientFrame('{"ping":42}')).toEqual({ ok: true, value: { kind: 'app-ping', value: 42 } });
    expect(parseClientFrame('{"ping":{"t":"x"}}')).toEqual({
      ok: true,
      value: { kind: 'app-ping', value: { t: 'x' } },
    });
  });
  it('reads since: positions for topics of the frame, others ignored', () => {
    expect(
      parseClientFrame('{"topics":["a","b"],"since":{"a":{"offset":41,"epoch":"e"},"z":{"offset":1,"epoch":"q"}}}'),
    ).toEqual({ ok: true, value: { kind: 'topics', topics: ['a', 'b'], since: { a: { offset: 41, epoch: 'e' } } } });
  });
  it.each([
    '{"topics":["a"],"since":[]}',
    '{"topics":["a"],"since":{"a":41}}',
    '{"topics":["a"],"since":{"a":{"offset":-1,"epoch":"e"}}}',
    '{"topics":["a"],"since":{"a":{"offset":1.5,"epoch":"e"}}}',
    '{"topics":["a"],"since":{"a":{"offset":1}}}',
    `{"topics":["a"],"since":{"a":{"offset":1,"epoch":"${'e'.repeat(65)}"}}}`,
  ])('refuses a malformed since %s with bad_frame', (text) => {
    expect(parseClientFrame(text)).toMatchObject({ ok: false, code: 'bad_frame' });
  });
  it('takes topics first when a frame carries several keys (tutorial frames keep working)', () => {
    expect(parseClientFrame('{"topics":["a"],"ping":1,"publish":{}}')).toEqual({
      ok: true,
      value: { kind: 'topics', topics: ['a'] },
    });
  });
  it.each(['hello', '{', '[]', '{"topic":"a"}', 'null', '"ping"', '{"topics":"a"}', '{"topics":[],"format":"xml"}'])(
    'refuses %s',
    (text) => {
      expect(parseClientFrame(text).ok).toBe(false);
    },
  );
  it('gives bad_frame for non-JSON and invalid_topics for a wrong topic list', () => {
    expect(parseClientFrame('nope')).toMatchObject({ code: 'bad_frame' });
    expect(parseClientFrame('{"topics":[1]}')).toMatchObject({ code: 'invalid_topics' });
    expect(parseClientFrame('{"topics":["a","b"]}', { maxTopics: 1, maxTopicLength: 5 })).toMatchObject({
      code: 'invalid_topics',
    });
  });
});

describe('server frames', () => {
  it('round-trips an envelope, an ack, an error and a pong', () => {
    const position = { offset: 3, epoch: 'e1' };
    expect(parseServerFrame(envelopeJson({ topic: 'cats', message: 'hi', ts: 5, ...position }))).toEqual({
      ok: true,
      value: { kind: 'envelope', topic: 'cats', message: 'hi', ts: 5, ...position },
    });
    expect(
      parseServerFrame(
        envelopeJson({ topic: 'cats', message: '{"a":1}', user_id: 9, ts: 5, ...position, retained: true }),
      ),
    ).toEqual({
      ok: true,
      value: { kind: 'envelope', topic: 'cats', message: '{"a":1}', user_id: 9, ts: 5, ...position, retained: true },
    });
    expect(parseServerFrame(recoveryJson({ a: { recovered: false, offset: 9, epoch: 'x' } }))).toEqual({
      ok: true,
      value: { kind: 'recovery', topics: { a: { recovered: false, offset: 9, epoch: 'x' } } },
    });
    expect(parseServerFrame(ackJson('q', 3))).toEqual({ ok: true, value: { kind: 'ack', id: 'q', delivered: 3 } });
    expect(parseServerFrame(errorFrameJson('rate_limited', 'slow down', 4))).toEqual({
      ok: true,
      value: { kind: 'error', code: 'rate_limited', message: 'slow down', id: 4 },
    });
    expect(parseServerFrame(errorFrameJson('bad_frame', 'no'))).toEqual({
      ok: true,
      value: { kind: 'error', code: 'bad_frame', message: 'no' },
    });
    expect(parseServerFrame('{"pong":[1,2]}')).toEqual({ ok: true, value: { kind: 'pong', value: [1, 2] } });
  });
  it.each(['hi', '[]', '{"ack":{}}', '{"topic":"t","message":1,"ts":1}', '{"topic":"t","message":"m","ts":1}', '{}'])(
    'refuses %s',
    (text) => {
      expect(parseServerFrame(text).ok).toBe(false);
    },
  );
});

describe('server frames, exactly', () => {
  const notJson = { ok: false, code: 'bad_frame', message: 'not a JSON object' };
  const notAFrame = { ok: false, code: 'bad_frame', message: 'not a frame of the device protocol' };
  const noPosition = { ok: false, code: 'bad_frame', message: 'an envelope without offset and epoch' };

  it('says why a frame is refused', () => {
    expect(parseServerFrame('hi')).toEqual(notJson);
    expect(parseServerFrame('[]')).toEqual(notJson);
    expect(parseServerFrame('null')).toEqual(notJson);
    expect(parseServerFrame('{"topic":"t","message":"m","ts":1}')).toEqual(noPosition);
    expect(parseServerFrame('{"topic":"t","message":"m","ts":1,"offset":1}')).toEqual(noPosition);
    expect(parseServerFrame('{"topic":"t","message":"m","ts":1,"epoch":"e"}')).toEqual(noPosition);
    expect(parseServerFrame('{"x":1}')).toEqual(notAFrame);
    expect(parseServerFrame('{"ack":1,"delivered":"2"}')).toEqual(notAFrame);
    expect(parseServerFrame('{"ack":{},"delivered":1}')).toEqual(notAFrame);
    expect(parseServerFrame('{"error":{"code":4}}')).toEqual(notAFrame);
    expect(parseServerFrame('{"error":"boom"}')).toEqual(notAFrame);
  });

  it('keeps only the optional fields of the right type', () => {
    const base = { topic: 't', message: 'm', ts: 1, offset: 2, epoch: 'e' };
    expect(parseServerFrame(JSON.stringify({ ...base, user_id: '9', retained: 'yes' }))).toEqual({
      ok: true,
      value: { kind: 'envelope', ...base },
    });
    expect(parseServerFrame('{"error":{"code":"x","message":5},"id":{}}')).toEqual({
      ok: true,
      value: { kind: 'error', code: 'x', message: '' },
    });
    expect(parseServerFrame('{"ack":"a","delivered":0,"id":"ignored"}')).toEqual({
      ok: true,
      value: { kind: 'ack', id: 'a', delivered: 0 },
    });
  });

  it('skips malformed recovery results and keeps the good ones', () => {
    const recovery = {
      a: 5,
      b: { recovered: 'no', offset: 1, epoch: 'e' },
      c: { recovered: true, offset: '1', epoch: 'e' },
      d: { recovered: true, offset: 1, epoch: 2 },
      e: { recovered: true, offset: 1, epoch: 'x' },
    };
    expect(parseServerFrame(JSON.stringify({ recovery }))).toEqual({
      ok: true,
      value: { kind: 'recovery', topics: { e: { recovered: true, offset: 1, epoch: 'x' } } },
    });
  });
});

describe('binary frames', () => {
  const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
  /** A frame whose first byte is not at offset 0 of its buffer (as `ws` hands them over). */
  const shifted = (frame: Uint8Array): Uint8Array => {
    const buffer = new Uint8Array(frame.length + 3);
    buffer.set(frame, 3);
    return buffer.subarray(3);
  };

  it('round-trip a header and a payload, also from inside a larger buffer', () => {
    const frame = shifted(encodeBinaryFrame({ a: 1 }, bytes(0, 1, 255)));
    expect(frame.subarray(0, 4)).toEqual(bytes(0, 0, 0, 7));
    const decoded = decodeBinaryFrame(frame);
    expect(decoded?.header).toEqual({ a: 1 });
    expect(decoded?.payload).toEqual(bytes(0, 1, 255));
    expect(decodeBinaryFrame(encodeBinaryFrame({}, bytes()))?.payload).toEqual(bytes());
  });

  it('are refused when short, cut, not UTF-8 or not JSON', () => {
    expect(decodeBinaryFrame(bytes(0, 0, 0))).toBeNull();
    expect(decodeBinaryFrame(bytes(0, 0, 0, 3, 0x7b, 0x7d))).toBeNull();
    expect(decodeBinaryFrame(bytes(0, 0, 0, 2, 0xff, 0xfe))).toBeNull();
    expect(decodeBinaryFrame(bytes(0, 0, 0, 2, 0x7b, 0x7b))).toBeNull();
    expect(decodeBinaryFrame(bytes(0, 0, 0, 2, 0x7b, 0x7d, 9))).toEqual({ header: {}, payload: bytes(9) });
  });

  it('from a device: a publish of bytes with its options, id and echo', () => {
    const payload = bytes(1, 2);
    expect(
      parseBinaryClientFrame(
        encodeBinaryFrame({ publish: { topic: 't', user_id: 3, retain: true }, id: 'x', echo: true }, payload),
      ),
    ).toEqual({ ok: true, value: { publish: { topic: 't', user_id: 3, retain: true }, payload, id: 'x', echo: true } });
    expect(
      parseBinaryClientFrame(encodeBinaryFrame({ publish: { topic: 't', retain: false }, id: null }, payload)),
    ).toEqual({ ok: true, value: { publish: { topic: 't' }, payload, echo: false } });
  });

  it('from a device: refused with the publish codes, and the id when it has one', () => {
    const expected = 'a binary frame is [4-byte length][JSON header {"publish": {"topic", ...}, "id"?}][bytes]';
    expect(parseBinaryClientFrame(bytes(0, 0))).toEqual({ ok: false, code: 'bad_frame', message: expected });
    expect(parseBinaryClientFrame(encodeBinaryFrame([], bytes()))).toEqual({
      ok: false,
      code: 'bad_frame',
      message: expected,
    });
    expect(parseBinaryClientFrame(encodeBinaryFrame({ topic: 't' }, bytes()))).toEqual({
      ok: false,
      code: 'bad_frame',
      message: expected,
    });
    expect(parseBinaryClientFrame(encodeBinaryFrame({ publish: { topic: 't' }, id: {} }, bytes()))).toEqual({
      ok: false,
      code: 'bad_frame',
      message: 'id must be a string of at most 128 characters or a number',
    });
    expect(parseBinaryClientFrame(encodeBinaryFrame({ publish: 'x', id: 7 }, bytes()))).toMatchObject({
      ok: false,
      code: 'invalid_body',
      id: 7,
    });
    expect(parseBinaryClientFrame(encodeBinaryFrame({ publish: { topic: '' }, id: 'q' }, bytes()))).toMatchObject({
      ok: false,
      code: 'invalid_topic',
      id: 'q',
    });
  });

  it('from the hub: the envelope and its bytes; anything else refused', () => {
    const head = { topic: 't', ts: 1, offset: 2, epoch: 'e' };
    const payload = bytes(7);
    expect(parseBinaryServerFrame(encodeBinaryFrame({ ...head, user_id: 4, retained: true }, payload))).toEqual({
      ok: true,
      value: { ...head, user_id: 4, retained: true, payload },
    });
    expect(parseBinaryServerFrame(encodeBinaryFrame({ ...head, user_id: '4', retained: 1 }, payload))).toEqual({
      ok: true,
      value: { ...head, payload },
    });
    for (const missing of ['topic', 'ts', 'offset', 'epoch']) {
      const header: Record<string, unknown> = { ...head, [missing]: missing === 'epoch' ? 5 : 'x' };
      if (missing === 'topic') header.topic = 5;
      expect(parseBinaryServerFrame(encodeBinaryFrame(header, payload))).toEqual({ ok: false });
    }
    expect(parseBinaryServerFrame(encodeBinaryFrame('t', payload))).toEqual({ ok: false });
    expect(parseBinaryServerFrame(bytes(1))).toEqual({ ok: false });
  });
});

describe('frame ids and positions, at the edge', () => {
  it('takes an id of exactly 128 characters and refuses 129; a number id must be finite', () => {
    const publish = { topic: 'cats', message: 'm' };
    expect(parseClientFrame(JSON.stringify({ publish, id: 'i'.repeat(128) }))).toMatchObject({
      ok: true,
      value: { id: 'i'.repeat(128) },
    });
    expect(parseClientFrame(JSON.stringify({ publish, id: 'i'.repeat(129) }))).toEqual({
      ok: false,
      code: 'bad_frame',
      message: 'id must be a string of at most 128 characters or a number',
    });
    expect(parseClientFrame(JSON.stringify({ publish, id: 7 }))).toMatchObject({ ok: true, value: { id: 7 } });
    expect(parseClientFrame(JSON.stringify({ publish }))).toEqual({
      ok: true,
      value: { kind: 'publish', publish, echo: false },
    });
  });

  it('takes an epoch of exactly 64 characters in since and refuses 65, a negative offset or a bad position', () => {
    const frame = (position: unknown): string => JSON.stringify({ topics: ['a'], since: { a: position } });
    expect(parseClientFrame(frame({ offset: 0, epoch: 'e'.repeat(64) }))).toMatchObject({
      ok: true,
      value: { since: { a: { offset: 0, epoch: 'e'.repeat(64) } } },
    });
    const refused = {
      ok: false,
      code: 'bad_frame',
      message: 'since must map topics to {"offset": <integer ≥ 0>, "epoch": "<string>"}',
    };
    for (const bad of [
      { offset: 0, epoch: 'e'.repeat(65) },
      { offset: -1, epoch: 'e' },
      { offset: 1.5, epoch: 'e' },
      5,
    ]) {
      expect(parseClientFrame(frame(bad))).toEqual(refused);
    }
    expect(parseClientFrame(JSON.stringify({ topics: ['a'], format: 'xml' }))).toEqual({
      ok: false,
      code: 'bad_frame',
      message: 'format must be "raw" or "envelope"',
    });
  });
});
