import { describe, expect, it } from 'vitest';
import { parsePublishRequest, parseRegisterRequest, parseTopicList, parseUserId } from './parse';

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
