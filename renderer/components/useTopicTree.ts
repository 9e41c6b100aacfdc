import { useEffect, useMemo, useRef, useState } from 'react';
import type { TopicInfo } from '../../shared/hub';
import type { TopicLive } from '../../shared/ipc';
import { useStore } from '../store';
import {
  TopicTreeModel,
  protocolsByTopic,
  topicMatcher,
  visibleRows,
  type TopicLeaf,
  type TreeNode,
  type TreeRow,
} from '../topicTree';

/** The tree is rebuilt from live data at most this often (ms): values move visibly, the page stays idle. */
export const treeRefreshMs = 500;

/** New topics the tree adds per task: 10,000 arrive as a few short tasks, not one long one. */
export const treeGrowthPerTask = 500;

/**
 * Starts the hub's topic tree for this page while the calling view is shown (and the hub is
 * reachable), and stops it when the view goes away: the hub then follows no topic for this GUI.
 */
export function useTopicWatch(): void {
  const open = useStore((s) => s.link.kind === 'open' && s.loaded);
  useEffect(() => {
    if (!open) return;
    let current = true;
    const { call, setTopicLive } = useStore.getState();
    void call('watchTopics', { watch: true }).then((result) => {
      if (current && result.ok) setTopicLive(result.value.topics, result.value.topicPages);
    });
    return () => {
      current = false;
      void call('watchTopics', { watch: false });
      useStore.getState().setTopicLive([]);
    };
  }, [open]);
}

/** `value`, changed at most once per `ms` (the last change always lands). */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        setShown(value);
      },
      Math.max(0, last.current + ms - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}

/** Every topic with subscribers or a stream, as the tree's leaves. */
function leavesOf(
  topics: readonly TopicInfo[],
  live: ReadonlyMap<string, TopicLive>,
  protocols: ReturnType<typeof protocolsByTopic>,
): TopicLeaf[] {
  const leaves = new Map<string, TopicLeaf>();
  for (const info of topics) {
    leaves.set(info.topic, {
      topic: info.topic,
      subscribers: info.subscribers,
      protocols: protocols?.get(info.topic) ?? null,
      live: live.get(info.topic) ?? null,
    });
  }
  for (const entry of live.values()) {
    if (!leaves.has(entry.topic))
      leaves.set(entry.topic, { topic: entry.topic, subscribers: 0, protocols: null, live: entry });
  }
  return [...leaves.values()];
}

/** The tree as the Topics view shows it: its root (totals), the visible rows, how many topics match and in all. */
export function useTopicTree(): { root: TreeNode; rows: TreeRow[]; matched: number; total: number } {
  const topics = useThrottled(
    useStore((s) => s.topics),
    treeRefreshMs,
  );
  const version = useThrottled(
    useStore((s) => s.topicLiveVersion),
    treeRefreshMs,
  );
  const clients = useThrottled(
    useStore((s) => s.clients),
    5 * treeRefreshMs,
  );
  const filter = useStore((s) => s.treeFilter);
  const expanded = useStore((s) => s.treeExpanded);
  // One model per view: a refresh changes its nodes in place (its shape only when topics come or go).
  const [model] = useState(() => new TopicTreeModel());
  const protocols = useMemo(() => protocolsByTopic(clients), [clients]);
  // Bumped to add the next new topics in a task of their own.
  const [step, setStep] = useState(0);
  const refreshed = useMemo(() => {
    const done = model.update(leavesOf(topics, useStore.getState().topicLive, protocols), treeGrowthPerTask);
    return { version, step, done, root: model.root };
  }, [model, topics, version, protocols, step]);
  useEffect(() => {
    if (refreshed.done) return;
    const timer = setTimeout(() => setStep((n) => n + 1), 0);
    return () => clearTimeout(timer);
  }, [refreshed]);
  // A new object with every refresh and filter change: the rows follow both.
  const matched = useMemo(
    () => ({ root: refreshed.root, count: model.filter(topicMatcher(filter)) }),
    [model, filter, refreshed],
  );
  const rows = useMemo(() => visibleRows(matched.root, expanded, filter.trim() !== ''), [expanded, filter, matched]);
  return { root: model.root, rows, matched: matched.count, total: model.size };
}
