import { describe, expect, it } from 'vitest';
import { jsonDiff, maxDiffEntries, numberAt, numericPaths, parseJson, shortJson } from './jsonValues';

describe('jsonDiff', () => {
  it('lists added, removed and changed keys and items with their paths', () => {
    const before = { temp: 21.5, unit: 'C', tags: ['a', 'b'], nested: { on: true, gone: 1 } };
    const after = { temp: 22, unit: 'C', tags: ['a', 'c', 'd'], nested: { on: false }, extra: null };
    expect(jsonDiff(before, after)).toEqual([
      { path: 'temp', kind: 'changed', before: 21.5, after: 22 },
      { path: 'tags[1]', kind: 'changed', before: 'b', after: 'c' },
      { path: 'tags[2]', kind: 'added', after: 'd' },
      { path: 'nested.on', kind: 'changed', before: true, after: false },
      { path: 'nested.gone', kind: 'removed', before: 1 },
      { path: 'extra', kind: 'added', after: null },
    ]);
  });

  it('says nothing for equal values, the whole value for a change of kind, and stops at its limit', () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(jsonDiff(1, { a: 1 })).toEqual([{ path: '', kind: 'changed', before: 1, after: { a: 1 } }]);
    const wide = (v: number) => Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, v]));
    expect(jsonDiff(wide(1), wide(2))).toHaveLength(maxDiffEntries);
  });
});

describe('numbers for the plot', () => {
  it('finds numeric fields and reads them back', () => {
    const value = parseJson('{"temp": 21.5, "unit": "C", "pos": {"x": 1, "y": [2, 3]}}');
    expect(numericPaths(value)).toEqual(['temp', 'pos.x', 'pos.y[0]', 'pos.y[1]']);
    expect(numberAt(value, 'pos.y[1]')).toBe(3);
    expect(numberAt(value, 'unit')).toBeNull();
    expect(numberAt(value, 'missing.x')).toBeNull();
    expect(numericPaths(parseJson('42'))).toEqual(['']);
    expect(numberAt(parseJson('42'), '')).toBe(42);
  });

  it('parses only JSON that can hold numbers', () => {
    expect(parseJson('hello')).toBeUndefined();
    expect(parseJson('{broken')).toBeUndefined();
    expect(parseJson('"text"')).toBeUndefined();
    expect(parseJson(' [1]')).toEqual([1]);
    expect(shortJson('x'.repeat(100))).toHaveLength(80);
  });
});
