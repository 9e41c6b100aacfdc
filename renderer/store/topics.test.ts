import { beforeEach, describe, expect, it } from 'vitest';
import type { TopicStreamSummary } from '../../shared/ipc';
import { recordingTransport } from '../../test/renderer/transport';
import { client } from '../../test/renderer/store';
import { staleCount } from '../components/RemoveStale';
import { useStore } from './index';
import { hubSelectors } from './selectors';

const stream = (topic: string, overrides: Partial<TopicStreamSummary> = {}): TopicStreamSummary => ({
  topic,
  epoch: 'e1',
  lastOffset: 3,
  size: 3,
  bytes: 30,
  retained: null,
  ...overrides,
});

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});

describe('topics with their streams', () => {
  it('lists subscribed topics and topics with a history or retained message, busiest first', async () => {
    const transport = recordingTransport({
      getStreams: {
        streams: [
          stream('cats'),
          stream('lonely', { retained: { message: 'on', ts: 1, bytes: 2, truncated: false } }),
          stream('cleared', { size: 0, bytes: 0 }),
        ],
      },
    });
    useStore.getState().connect(transport);
    useStore.setState({
      topics: [
        { topic: 'dogs', subscribers: 1, published: 0 },
        { topic: 'cats', subscribers: 2, published: 3 },
      ],
    });
    await useStore.getState().loadStreams();
    const rows = hubSelectors.topicRows(useStore.getState());
    expect(rows.map((r) => [r.topic, r.info?.subscribers ?? null, r.stream?.lastOffset ?? null])).toEqual([
      ['cats', 2, 3],
      ['dogs', 1, null],
      ['lonely', null, 3],
    ]);
    expect(hubSelectors.topicTotal(useStore.getState())).toBe(3);
    // Memoised: the same state gives the same array (a zustand selector must).
    expect(hubSelectors.topicRows(useStore.getState())).toBe(rows);
    useStore.getState().setTopicFilter('LON');
    expect(hubSelectors.topicRows(useStore.getState()).map((r) => r.topic)).toEqual(['lonely']);
  });
});

describe('staleCount', () => {
  it('counts what removeDisconnected removes: disconnected and last seen at least that long ago', () => {
    const now = 10_000_000;
    const clients = new Map(
      [
        client('a', { connected: true, lastSeen: 0 }),
        client('b', { connected: false, everConnected: false, lastSeen: now - 5_000 }),
        client('c', { connected: false, lastSeen: now - 3_600_000 }),
        client('d', { connected: false, lastSeen: now - 3_599_999 }),
      ].map((c) => [c.id, c]),
    );
    expect(staleCount(clients, 3_600_000, now)).toBe(1);
    expect(staleCount(clients, 0, now)).toBe(3);
  });
});

describe('a paged topic tree', () => {
  const live = (topic: string) => ({ topic, messages: 1, perSecond: 0, last: null, retained: false });

  it('asks for each next page once it applied the one before, from a task of its own, and ignores another answer’s', async () => {
    const transport = recordingTransport({ nextTopicPage: { sent: true } });
    useStore.getState().connect(transport);
    const asks = () => transport.calls.filter((c) => c.name === 'nextTopicPage').map((c) => c.arg);
    useStore.getState().setTopicLive([live('a')], { id: 3, total: 4 });
    expect(asks()).toEqual([]); // not in the answer's own task
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(asks()).toEqual([{ id: 3 }]);
    useStore.getState().applyTopicPage({ id: 2, topics: [live('z')], last: false }); // an earlier answer's
    useStore.getState().applyTopicPage({ id: 3, topics: [live('b'), live('c')], last: false });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(asks()).toEqual([{ id: 3 }, { id: 3 }]);
    useStore.getState().applyTopicPage({ id: 3, topics: [live('d')], last: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(asks()).toHaveLength(2);
    expect([...useStore.getState().topicLive.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(useStore.getState().topicPaging).toBeNull();
  });
});
