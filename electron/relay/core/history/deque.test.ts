import { describe, expect, it } from 'vitest';
import { Deque } from './deque';

const contents = <T>(deque: Deque<T>): (T | undefined)[] => Array.from({ length: deque.length }, (_, i) => deque.at(i));

describe('Deque', () => {
  it('pushes at the end, shifts from the front, indexes from the front', () => {
    const deque = new Deque<number>();
    expect([deque.length, deque.peek(), deque.shift(), deque.at(0)]).toEqual([0, undefined, undefined, undefined]);
    for (const n of [1, 2, 3]) deque.push(n);
    expect([deque.length, deque.peek(), deque.at(2), deque.at(3), deque.at(-1)]).toEqual([
      3,
      1,
      3,
      undefined,
      undefined,
    ]);
    expect(deque.shift()).toBe(1);
    expect([deque.length, deque.peek(), deque.at(0), deque.at(1)]).toEqual([2, 2, 2, 3]);
    expect([deque.shift(), deque.shift(), deque.shift()]).toEqual([2, 3, undefined]);
    expect(deque.length).toBe(0);
    deque.push(4);
    expect(contents(deque)).toEqual([4]);
  });

  it('stays right across the compaction of its front, at every size around it', () => {
    for (const total of [1_024, 1_025, 2_049, 2_051, 5_000]) {
      const deque = new Deque<number>();
      for (let i = 0; i < total; i++) deque.push(i);
      let next = 0;
      while (deque.length > 3) {
        expect(deque.shift()).toBe(next++);
        expect(deque.peek()).toBe(next);
        expect(deque.at(deque.length - 1)).toBe(total - 1);
      }
      expect(contents(deque)).toEqual([total - 3, total - 2, total - 1]);
      deque.push(total);
      expect(deque.at(3)).toBe(total);
    }
  });

  it('keeps only what passes retain, in order, after shifts too', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 10; i++) deque.push(i);
    deque.shift();
    deque.retain((n) => n % 2 === 0);
    expect(contents(deque)).toEqual([2, 4, 6, 8]);
    expect(deque.shift()).toBe(2);
    deque.retain(() => false);
    expect([deque.length, deque.peek()]).toEqual([0, undefined]);
  });
});
