import { describe, expect, it } from 'vitest';
import {
  isClientId,
  parseJson,
  parsePublishRequest,
  parseRegisterRequest,
  parseTopic,
  parseTopicList,
  parseUserId,
} from './parse';
import { parseClientFrame } from './protocol';

describe('parseUserId', () => {
  it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])('accepts %s', (value) => {
    expect(parseUserId(value)).toEqual({ ok: true, value });
  });
  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, '1', null, undefined, true, [1], { id: 1 }])(
    'refuses %s with invalid_user_id',
    (value) => {
      expect(parseUserId(value)).toMatchObject({ ok: false, code: 'invalid_user_id' });
    },
  );
});

describe('parseRegisterRequest', () => {
  it('reads user_id', () => {
    expect(parseRegisterRequest({ user_id: 7 })).toEqual({ ok: true, value: { user_id: 7 } });
  });
  it.each([null, [], 'x', 3])('refuses a non-object body %s', (body) => {
    expect(parseRegisterRequest(body)).toMatchObject({ ok: false, code: 'invalid_body' });
  });
  it('refuses a missing user_id', () => {
    expect(parseRegisterRequest({})).toMatchObject({ ok: false, code: 'invalid_user_id' });
  });
});

describe('parsePublishRequest', () => {
  it('reads a broadcast and a targeted publish', () => {
    expect(parsePublishRequest({ topic: 'cats', message: 'hi' })).toEqual({
      ok: true,
      value: { topic: 'cats', message: 'hi' },
    });
    expect(parsePublishRequest({ topic: 'cats', message: '', user_id: 3 })).toEqual({
      ok: true,
      value: { topic: 'cats', message: '', user_id: 3 },
    });
  });
  it('treats user_id null as a broadcast', () => {
    expect(parsePublishRequest({ topic: 'cats', message: 'hi', user_id: null })).toEqual({
      ok: true,
      value: { topic: 'cats', message: 'hi' },
    });
  });
  it.each([
    [{ message: 'hi' }, 'invalid_topic'],
    [{ topic: '', message: 'hi' }, 'invalid_topic'],
    [{ topic: 5, message: 'hi' }, 'invalid_topic'],
    [{ topic: 'x'.repeat(257), message: 'hi' }, 'invalid_topic'],
    [{ topic: 'cats' }, 'invalid_message'],
    [{ topic: 'cats', message: { text: 'hi' } }, 'invalid_message'],
    [{ topic: 'cats', message: 'hi', user_id: -3 }, 'invalid_user_id'],
    [{ topic: 'cats', message: 'hi', user_id: '3' }, 'invalid_user_id'],
    [['cats'], 'invalid_body'],
  ])('refuses %j with %s', (body, code) => {
    expect(parsePublishRequest(body)).toMatchObject({ ok: false, code });
  });
});

describe('parseTopicList', () => {
  it('folds duplicates', () => {
    expect(parseTopicList(['a', 'b', 'a'])).toEqual({ ok: true, value: ['a', 'b'] });
  });
  it('accepts an empty set', () => {
    expect(parseTopicList([])).toEqual({ ok: true, value: [] });
  });
  it.each([['a', ''], 'a', [1], [null], Array.from({ length: 65 }, (_, i) => `t${i}`)])('refuses %j', (value) => {
    expect(parseTopicList(value)).toMatchObject({ ok: false, code: 'invalid_topics' });
  });
  it('honours custom limits', () => {
    expect(parseTopicList(['a', 'b'], { maxTopics: 1, maxTopicLength: 10 })).toMatchObject({ ok: false });
    expect(parseTopicList(['abc'], { maxTopics: 1, maxTopicLength: 2 })).toMatchObject({ ok: false });
  });
});

describe('limits, at the edge', () => {
  it('accepts a topic of exactly the longest length and exactly the most topics', () => {
    expect(parseTopic('t'.repeat(256))).toEqual({ ok: true, value: 't'.repeat(256) });
    const most = Array.from({ length: 64 }, (_, i) => `t${i}`);
    expect(parseTopicList(most)).toEqual({ ok: true, value: most });
    expect(parseTopicList(['ab', 'cd'], { maxTopics: 2, maxTopicLength: 2 })).toMatchObject({ ok: true });
  });
});

describe('refusals say what to fix', () => {
  // Tests assert codes, not wording: each message names the field or the limit it is about.
  it.each([
    [parseJson('{'), /JSON/],
    [parseUserId(-1), /user_id.*0 to \d+/],
    [parseTopic(''), /topic.*256/],
    [parseTopic('t'.repeat(9), { maxTopicLength: 8 }), /at most 8 characters/],
    [parseRegisterRequest([]), /JSON object.*user_id/],
    [parsePublishRequest(null), /JSON object.*topic.*message/],
    [parsePublishRequest({ topic: 'cats' }), /message/],
    [parseTopicList('cats'), /array/],
    [parseTopicList(['a', 'b'], { maxTopics: 1, maxTopicLength: 8 }), /at most 1 topics/],
    [parseTopicList(['']), /topic/],
    [parseClientFrame('nope'), /ping.*topics/],
    [parseClientFrame('[]'), /topics/],
  ])('%#: %j', (parsed, message) => {
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });
});

describe('isClientId', () => {
  it('is 32 lowercase hex characters', () => {
    expect(isClientId('0123456789abcdef0123456789abcdef')).toBe(true);
    for (const id of ['0123456789ABCDEF0123456789abcdef', '0123456789abcdef0123456789abcde', `x${'0'.repeat(32)}`]) {
      expect(isClientId(id)).toBe(false);
    }
  });
});

describe('device names, at the edge', () => {
  it('takes a name of 1 to 100 characters, and null or no name as none', () => {
    expect(parseRegisterRequest({ user_id: 1, name: 'n'.repeat(100) })).toEqual({
      ok: true,
      value: { user_id: 1, name: 'n'.repeat(100) },
    });
    expect(parseRegisterRequest({ user_id: 1, name: 'a' })).toEqual({ ok: true, value: { user_id: 1, name: 'a' } });
    expect(parseRegisterRequest({ user_id: 1, name: null })).toEqual({ ok: true, value: { user_id: 1 } });
    for (const name of ['', 'n'.repeat(101), 5]) {
      expect(parseRegisterRequest({ user_id: 1, name })).toEqual({
        ok: false,
        code: 'invalid_body',
        message: 'name must be a text of 1 to 100 characters',
      });
    }
  });

  it('refuses retain other than true, false or null, and says so', () => {
    expect(parsePublishRequest({ topic: 't', message: 'm', retain: 'yes' })).toEqual({
      ok: false,
      code: 'invalid_body',
      message: 'retain must be true or false',
    });
    expect(parsePublishRequest({ topic: 't', message: 'm', retain: false })).toEqual({
      ok: true,
      value: { topic: 't', message: 'm' },
    });
  });
});
