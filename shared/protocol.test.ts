import { describe, expect, it } from 'vitest';
import { ackJson, envelopeJson, errorFrameJson, parseClientFrame, parseServerFrame, recoveryJson } from './protocol';

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
