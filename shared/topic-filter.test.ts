import { describe, expect, it } from 'vitest';
import { filterMatches, filterProblem, hasWildcard } from './topic-filter';

describe('filterProblem', () => {
  it.each(['a', 'a/b', '#', '+', 'a/#', 'a/+/c', '+/+', '/', 'a//b', '+/#'])('accepts %s', (filter) => {
    expect(filterProblem(filter)).toBeNull();
  });

  it.each(['', 'a/#/b', 'a+', 'a/b#', '#/a', 'a/+b', 'a\u0000b'])('refuses %j', (filter) => {
    expect(filterProblem(filter)).toEqual(expect.any(String));
  });
});

describe('filterMatches', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'ab', false],
    ['#', 'a/b', true],
    ['+/+', '/x', true],
    ['+', '/x', false],
    ['sensors/+/temp', 'sensors/kitchen/temp', true],
    ['sensors/+/temp', 'sensors/kitchen/hum', false],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
  ])('%s against %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });

  it('tells a filter with wildcards from a plain topic', () => {
    expect(hasWildcard('a/+/b')).toBe(true);
    expect(hasWildcard('a/#')).toBe(true);
    expect(hasWildcard('a/b')).toBe(false);
  });
});
