import { describe, expect, it } from 'vitest';
import { Delivery, FlushScheduler, frameText, rawFrameLength, rawSocketOf } from './fanout';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('frameText', () => {
  it.each([
    [0, [0x81, 0]],
    [125, [0x81, 125]],
    [126, [0x81, 126, 0, 126]],
    [65_535, [0x81, 126, 0xff, 0xff]],
    [65_536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])('frames %i bytes with the shortest length header (RFC 6455 §5.2)', (length, header) => {
    const frame = frameText('x'.repeat(length));
    expect([...frame.subarray(0, header.length)]).toEqual(header);
    expect(frame.length).toBe(header.length + length);
    expect(frame.subarray(header.length).toString('latin1')).toBe('x'.repeat(length));
  });

  it('counts UTF-8 bytes, not characters', () => {
    const frame = frameText('é€😀');
    expect([...frame.subarray(0, 2)]).toEqual([0x81, 9]);
    expect(frame.subarray(2).toString('utf8')).toBe('é€😀');
  });
});

describe('FlushScheduler', () => {
  it('flushes everything enlisted in a turn once, after the turn', async () => {
    const scheduler = new FlushScheduler();
    const flushed: string[] = [];
    scheduler.enlist({ flush: () => flushed.push('a') });
    scheduler.enlist({ flush: () => flushed.push('b') });
    expect(flushed).toEqual([]);
    await turn();
    expect(flushed).toEqual(['a', 'b']);
    await turn();
    expect(flushed).toEqual(['a', 'b']);
    scheduler.enlist({ flush: () => flushed.push('c') });
    await turn();
    expect(flushed).toEqual(['a', 'b', 'c']);
  });

  it('flushNow() flushes at once, and the turn then has nothing left', async () => {
    const scheduler = new FlushScheduler();
    const flushed: string[] = [];
    scheduler.flushNow(); // nothing enlisted: nothing to do
    scheduler.enlist({ flush: () => flushed.push('a') });
    scheduler.flushNow();
    expect(flushed).toEqual(['a']);
    await turn();
    expect(flushed).toEqual(['a']);
  });
});

describe('rawSocketOf', () => {
  it('is the socket ws keeps, or null', () => {
    const socket = {};
    expect(rawSocketOf({ _socket: socket })).toBe(socket);
    expect(rawSocketOf({ _socket: null })).toBeNull();
    expect(rawSocketOf({})).toBeNull();
  });
});

describe('rawFrameLength', () => {
  it('is the length of the raw frame, at each header size, for text and bytes', () => {
    for (const size of [0, 125, 126, 65_535, 65_536]) {
      for (const message of ['é'.repeat(size >> 1) + 'x'.repeat(size & 1), Buffer.alloc(size)]) {
        const built = new Delivery('t', message, undefined, 0, 1, 'e').raw().length;
        expect(rawFrameLength(message)).toBe(built);
      }
    }
  });
});
