import { describe, expect, it } from 'vitest';
import { decodePositions, encodePositions, maxPositionIdLength } from './position';

describe('position ids', () => {
  it('carry every topic, one with nothing yet included, through encode and decode', () => {
    const positions = new Map([
      ['a/b', { epoch: 'e1', offset: 7 }],
      ['é 😀', { epoch: 'e2', offset: 0 }],
      ['fresh', null],
    ]);
    const id = encodePositions(positions);
    expect(id).toMatch(/^[\w-]+$/);
    expect(decodePositions(id)).toEqual(positions);
  });

  it('refuse what is not an id', () => {
    const b64 = (text: string): string => Buffer.from(text).toString('base64url');
    for (const bad of [
      '',
      'a b',
      b64('not json'),
      b64('[]'),
      b64('{"a":["e"]}'),
      b64('{"a":["e",-1]}'),
      b64('{"a":["e",1.5]}'),
      b64(`{"a":["${'e'.repeat(65)}",1]}`),
      'a'.repeat(maxPositionIdLength + 1),
    ]) {
      expect(decodePositions(bad), bad.slice(0, 30)).toBeNull();
    }
  });
});
