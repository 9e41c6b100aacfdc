// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TopicLive } from '../../shared/ipc';
import { useStore } from '../store';
import { TopicTreeModel } from '../topicTree';
import { treeRefreshMs, useTopicTree } from './useTopicTree';

const live = (topic: string, messages: number): TopicLive => ({
  topic,
  messages,
  perSecond: 0,
  retained: false,
  last: { message: String(messages), ts: 1, bytes: 1, truncated: false },
});

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Lets the tree's throttled refresh run. */
function refresh(): void {
  act(() => {
    vi.advanceTimersByTime(treeRefreshMs + 1);
  });
}

describe('useTopicTree', () => {
  it('gives the tree only the topics a push or new counts changed, and every topic when one comes or goes', () => {
    const update = vi.spyOn(TopicTreeModel.prototype, 'update');
    const change = vi.spyOn(TopicTreeModel.prototype, 'change');
    const store = useStore.getState();
    store.setTopicLive([live('a/x', 1), live('a/y', 2), live('b', 3)]);
    const { result } = renderHook(() => useTopicTree());
    expect(result.current.root).toMatchObject({ topics: 3, messages: 6 });
    // The first push copies the answer's map: the tree cannot tell what changed, and takes every topic.
    act(() => store.applyTopicLive([live('a/x', 5)]));
    refresh();
    expect(result.current.root.messages).toBe(10);
    expect(update).toHaveBeenCalledTimes(2);
    // Later pushes change that map in place: only their topics are given to the tree.
    act(() => {
      store.applyTopicLive([live('a/y', 20)]);
      store.applyTopicLive([live('a/y', 30), live('b', 4)]);
    });
    refresh();
    expect(change).toHaveBeenLastCalledWith([
      expect.objectContaining({ topic: 'a/y', live: live('a/y', 30) }),
      expect.objectContaining({ topic: 'b', live: live('b', 4) }),
    ]);
    expect(update).toHaveBeenCalledTimes(2);
    expect(result.current.root).toMatchObject({ topics: 3, messages: 39 });
    expect(result.current.rows.find((row) => row.node.path === 'a')?.node.messages).toBe(35);
    // A topic new to the tree: every topic again.
    act(() => store.applyTopicLive([live('c/d', 1)]));
    refresh();
    expect(update).toHaveBeenCalledTimes(3);
    expect(result.current.root).toMatchObject({ topics: 4, messages: 40 });
    // Subscribers came to a topic in the tree: that topic only.
    act(() => useStore.setState({ topics: [{ topic: 'b', subscribers: 2, published: 4 }] }));
    refresh();
    expect(update).toHaveBeenCalledTimes(3);
    expect(change).toHaveBeenLastCalledWith([expect.objectContaining({ topic: 'b', subscribers: 2 })]);
    expect(result.current.root).toMatchObject({ topics: 4, subscribers: 2 });
    // A push and new counts together: both, once each.
    act(() => {
      store.applyTopicLive([live('b', 9)]);
      useStore.setState({
        topics: [
          { topic: 'a/x', subscribers: 1, published: 5 },
          { topic: 'b', subscribers: 3, published: 9 },
        ],
      });
    });
    refresh();
    expect(update).toHaveBeenCalledTimes(3);
    expect(change.mock.lastCall?.[0].map((leaf) => leaf.topic).sort()).toEqual(['a/x', 'b']);
    expect(result.current.root).toMatchObject({ messages: 45, subscribers: 4 });
    // A subscribed topic new to the tree, then one gone from it: every topic again.
    act(() =>
      useStore.setState({
        topics: [
          { topic: 'a/x', subscribers: 1, published: 5 },
          { topic: 'b', subscribers: 3, published: 9 },
          { topic: 'z/new', subscribers: 1, published: 0 },
        ],
      }),
    );
    refresh();
    expect(update).toHaveBeenCalledTimes(4);
    expect(result.current.root).toMatchObject({ topics: 5, subscribers: 5 });
    act(() => useStore.setState({ topics: [{ topic: 'b', subscribers: 3, published: 9 }] }));
    refresh();
    // (A topic gone starts the model again: update calls itself once more.)
    expect(update.mock.calls.length).toBeGreaterThan(4);
    expect(result.current.root).toMatchObject({ topics: 4, messages: 45, subscribers: 3 });
  });

  it('counts the filter again only when it or the topics change, not when values do', () => {
    const filter = vi.spyOn(TopicTreeModel.prototype, 'filter');
    const store = useStore.getState();
    store.setTopicLive([live('a/x', 1), live('a/y', 2), live('b', 3)]);
    act(() => store.setTreeFilter('a/+'));
    const { result } = renderHook(() => useTopicTree());
    expect(result.current).toMatchObject({ matched: 2, total: 3 });
    const counted = filter.mock.calls.length;
    act(() => store.applyTopicLive([live('a/x', 5)]));
    refresh();
    act(() => store.applyTopicLive([live('a/y', 5)]));
    refresh();
    expect(filter).toHaveBeenCalledTimes(counted);
    expect(result.current.rows.map((row) => [row.node.path, row.node.messages])).toEqual([
      ['a', 10],
      ['a/x', 5],
      ['a/y', 5],
    ]);
    act(() => store.applyTopicLive([live('a/z', 1)]));
    refresh();
    expect(result.current).toMatchObject({ matched: 3, total: 4 });
    act(() => store.setTreeFilter('b'));
    expect(result.current).toMatchObject({ matched: 1, total: 4 });
  });
});
