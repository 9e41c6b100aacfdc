import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Publication, Published } from '../core/history/types';
import { Receipts, type PublishRequest } from './receipts';

const request: PublishRequest = {
  topic: 't',
  message: 'm',
  userId: undefined,
  ts: 1,
  retain: false,
  qos: 0,
  source: 'src',
};
const publication: Publication = {
  topic: 't',
  offset: 5,
  ts: 1,
  message: 'm',
  userId: undefined,
  retain: false,
  qos: 0,
};

afterEach(() => {
  vi.useRealTimers();
});

/** Receipts whose fallback records what it was given, and whose counts to other hubs are kept. */
function receipts(waitMs = 1_000) {
  const sent: [string, string][] = [];
  const fallen: unknown[] = [];
  const fallback = (given: unknown): Published => {
    fallen.push(given);
    return { publication, epoch: 'local', delivered: 1, cluster: { hubs: 1, counted: 1, degraded: true } };
  };
  return { receipts: new Receipts((hub, text) => sent.push([hub, text]), fallback, waitMs), sent, fallen };
}

describe('Receipts', () => {
  it('resolves once its own copy came back and every other hub answered, summing the counts', async () => {
    const { receipts: r } = receipts();
    const { seq, receipt } = r.open(request, ['b', 'c']);
    expect(r.sourceOf(seq)).toBe('src');
    let done: Published | null = null;
    void receipt.then((value) => (done = value));
    r.answer(`b ${seq}:4`);
    r.own(seq, publication, 'E', 2);
    await Promise.resolve();
    expect(done).toBeNull();
    r.answer(`c ${seq}:3 ${seq + 1}:9`);
    expect(await receipt).toEqual({ publication, epoch: 'E', delivered: 9, cluster: { hubs: 3, counted: 3 } });
    expect(r.size).toBe(0);
  });

  it('counts a hub once, ignores bad counts, and leaves out a hub that stays silent past the wait', async () => {
    vi.useFakeTimers();
    const { receipts: r } = receipts(1_000);
    const first = r.open(request, ['b', 'c']);
    r.own(first.seq, publication, 'E', 1);
    r.answer(`b ${first.seq}:2`);
    r.answer(`b ${first.seq}:50 ${first.seq}:-1`);
    r.answer(`c ${first.seq}:x`);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(await first.receipt).toMatchObject({ delivered: 3, cluster: { hubs: 3, counted: 2 } });
    // c was silent: the next receipt does not wait for it, until c answers again.
    const second = r.open(request, ['b', 'c']);
    r.own(second.seq, publication, 'E', 1);
    r.answer(`b ${second.seq}:1`);
    expect(await second.receipt).toMatchObject({ delivered: 2, cluster: { hubs: 3, counted: 2 } });
    r.answer(`c 999:0`);
    const third = r.open(request, ['b', 'c']);
    r.own(third.seq, publication, 'E', 0);
    r.answer(`b ${third.seq}:0`);
    let settled = false;
    void third.receipt.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(settled).toBe(false);
    r.answer(`c ${third.seq}:1`);
    expect(await third.receipt).toMatchObject({ delivered: 1, cluster: { counted: 3 } });
    r.close();
  });

  it('falls back for a publish that failed before its copy came back, saying where Redis placed it (if it did)', async () => {
    const { receipts: r, fallen } = receipts();
    const lost = r.open(request, ['b']);
    r.failed(lost.seq);
    expect(await lost.receipt).toMatchObject({ epoch: 'local', cluster: { degraded: true } });
    const placed = r.open(request, ['b']);
    r.placed(placed.seq, 8, 'E');
    r.answer(`b ${placed.seq}:2`);
    r.flushAll();
    expect(await placed.receipt).toMatchObject({ delivered: 3, cluster: { hubs: 2, counted: 2 } });
    expect(fallen).toEqual([
      { ...request, seq: lost.seq, placed: null },
      { ...request, seq: placed.seq, placed: { offset: 8, epoch: 'E' } },
    ]);
  });

  it('on an outage, leaves the publishes whose script has not answered to that answer', () => {
    const { receipts: r, fallen } = receipts();
    const waiting = r.open(request, []);
    r.flushAll();
    expect(r.size).toBe(1);
    expect(r.awaitsOwnCopy(waiting.seq)).toBe(true);
    r.failed(waiting.seq);
    expect(fallen).toHaveLength(1);
    expect(r.awaitsOwnCopy(waiting.seq)).toBe(false);
  });

  it('sends the counts it owes each hub in one message per turn', async () => {
    const { receipts: r, sent } = receipts();
    r.owe('a', 1, 3);
    r.owe('b', 7, 0);
    r.owe('a', 2, 1);
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([
      ['a', '1:3 2:1'],
      ['b', '7:0'],
    ]);
  });
});
