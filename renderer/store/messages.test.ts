// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { bodyChars, type MessageBatch, type MessageRecord } from '../../shared/traffic';
import { update } from '../../test/renderer/store';
import { useStore } from './index';
import { keepLastMessages, maxBufferedBodyChars } from './messagesSlice';
import { hubSelectors, messageFilterOf } from './selectors';

const state = () => useStore.getState();

function record(seq: number, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    seq,
    at: 1_000 + seq,
    topic: 'kitchen/light',
    userId: null,
    origin: 'http',
    bytes: 5,
    delivered: 1,
    body: { text: `msg ${seq}` },
    truncated: false,
    ...overrides,
  };
}

const batch = (records: MessageRecord[], matched = records.length, shown = records.length): MessageBatch => ({
  records,
  matchedPerSecond: matched,
  shownPerSecond: shown,
  skipped: matched - shown,
});

beforeEach(() => {
  localStorage.clear();
  useStore.setState(useStore.getInitialState(), true);
});

describe('the message inspector store', () => {
  it('keeps the newest messages within the chosen limit, and saves the limit', () => {
    state().setMessageLimit(1_000);
    for (let i = 0; i < 12; i++) {
      state().applyUpdate(update({ messages: batch(Array.from({ length: 100 }, (_, j) => record(i * 100 + j))) }));
    }
    expect(state().messages).toHaveLength(1_000);
    expect(state().messages[0]?.seq).toBe(200);
    expect(new Set(state().messages.map((m) => m.key)).size).toBe(1_000);
    expect(localStorage.getItem('relay-hub.message-limit')).toBe('1000');
  });

  it('never holds more body text than its bound, whatever the count', () => {
    const big = 'x'.repeat(16_384);
    const many = Array.from({ length: 3_000 }, (_, i) => ({ ...record(i, { body: { text: big } }), key: i }));
    const kept = keepLastMessages(many, 100_000);
    expect(kept.reduce((n, m) => n + bodyChars(m.body), 0)).toBeLessThanOrEqual(maxBufferedBodyChars);
    expect(kept.at(-1)?.seq).toBe(2_999);
  });

  it('holds new messages while paused and shows them on resume; says when the hub samples', () => {
    state().appendMessages(batch([record(1)]));
    state().setMessagesPaused(true);
    state().appendMessages(batch([record(2), record(3)], 900, 2));
    expect(state().messages.map((m) => m.seq)).toEqual([1]);
    expect(state().heldMessages).toHaveLength(2);
    expect(state().messageRate).toEqual({ matched: 900, shown: 2, sampled: true });
    state().setMessagesPaused(false);
    expect(state().messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    state().appendMessages(batch([], 0, 0));
    expect(state().messageRate.sampled).toBe(false);
  });

  it('filters what it holds as the hub does, newest first', () => {
    state().appendMessages(
      batch([
        record(1, { topic: 'kitchen/light', userId: 7, body: { text: 'Door OPEN' } }),
        record(2, { topic: 'garage', body: { text: 'door open' } }),
        record(3, { topic: 'kitchen/oven', userId: 8 }),
      ]),
    );
    const seqs = () => hubSelectors.visibleMessages(state()).map((m) => m.seq);
    expect(seqs()).toEqual([3, 2, 1]);
    state().setMessageFilter({ topic: 'kitchen/' });
    expect(seqs()).toEqual([3, 1]);
    state().setMessageFilter({ user: '7' });
    expect(seqs()).toEqual([1]);
    state().setMessageFilter({ topic: '', user: '', text: 'open' });
    expect(seqs()).toEqual([2, 1]);
    expect(messageFilterOf({ topic: '', user: 'seven', text: ' ' })).toEqual({});
  });
});
