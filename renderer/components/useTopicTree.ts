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

type Protocols = ReturnType<typeof protocolsByTopic>;

/** A topic as the tree's leaf: its subscribers (by protocol, when given) and its live side. */
function leafOf(
  topic: string,
  info: TopicInfo | undefined,
  live: TopicLive | undefined,
  protocols: Protocols,
): TopicLeaf {
  return info === undefined
    ? { topic, subscribers: 0, protocols: null, live: live ?? null }
    : { topic, subscribers: info.subscribers, protocols: protocols?.get(topic) ?? null, live: live ?? null };
}

/** Every topic with subscribers or a stream, as the tree's leaves. */
function leavesOf(
  topics: ReadonlyMap<string, TopicInfo>,
  live: ReadonlyMap<string, TopicLive>,
  protocols: Protocols,
): TopicLeaf[] {
  const leaves: TopicLeaf[] = [];
  for (const [topic, info] of topics) leaves.push(leafOf(topic, info, live.get(topic), protocols));
  for (const [topic, entry] of live) if (!topics.has(topic)) leaves.push(leafOf(topic, undefined, entry, protocols));
  return leaves;
}

/**
 * `changed` and the subscribed topics whose counts are new in `after` (the store keeps the object
 * of a topic that did not change), or null when a subscribed topic is gone: its node may have to go.
 */
function withNewInfos(
  changed: ReadonlySet<string>,
  before: ReadonlyMap<string, TopicInfo>,
  after: ReadonlyMap<string, TopicInfo>,
): Set<string> | null {
  for (const topic of before.keys()) if (!after.has(topic)) return null;
  const names = new Set(changed);
  for (const [topic, info] of after) if (before.get(topic) !== info) names.add(topic);
  return names;
}

/**
 * The Topics view's tree, kept across refreshes. A refresh gives it only the topics whose live
 * side or subscriber counts changed (a few hundred of 10,000 at 1,000 publishes/s); every topic
 * when one is new or gone, or the clients' protocols changed.
 */
class LiveTopicTree {
  readonly model = new TopicTreeModel();
  #built: { topics: ReadonlyMap<string, TopicInfo>; protocols: Protocols; done: boolean } | null = null;
  #counted: { filter: string; shape: number; matched: number } | null = null;

  /** Brings the tree up to date; answers false while new topics are still to add. */
  refresh(topics: ReadonlyMap<string, TopicInfo>, protocols: Protocols): boolean {
    const { topicLive, takeTopicLiveChanges } = useStore.getState();
    const changed = takeTopicLiveChanges();
    const built = this.#built;
    if (built?.done === true && built.protocols === protocols && changed !== null) {
      const names = built.topics === topics ? changed : withNewInfos(changed, built.topics, topics);
      const leaves = [...(names ?? [])].map((topic) =>
        leafOf(topic, topics.get(topic), topicLive.get(topic), protocols),
      );
      if (names !== null && this.model.change(leaves)) {
        this.#built = { topics, protocols, done: true };
        return true;
      }
    }
    const done = this.model.update(leavesOf(topics, topicLive, protocols), treeGrowthPerTask);
    this.#built = { topics, protocols, done };
    return done;
  }

  /** How many topics `filter` lets through, counted again only when it or the tree's shape changed. */
  match(filter: string): number {
    const shape = this.model.shape;
    const counted = this.#counted;
    if (counted?.filter === filter && counted.shape === shape) return counted.matched;
    const matched = this.model.filter(topicMatcher(filter));
    this.#counted = { filter, shape, matched };
    return matched;
  }
}

/** The tree as the Topics view shows it: its root (totals), the visible rows, how many topics match and in all. */
export function useTopicTree(): { root: TreeNode; rows: TreeRow[]; matched: number; total: number } {
  const topicList = useThrottled(
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
  // One tree per view: a refresh changes its nodes in place (its shape only when topics come or go).
  const [tree] = useState(() => new LiveTopicTree());
  const topics = useMemo(() => new Map(topicList.map((info) => [info.topic, info])), [topicList]);
  const protocols = useMemo(() => protocolsByTopic(clients), [clients]);
  // Bumped to add the next new topics in a task of their own.
  const [step, setStep] = useState(0);
  const refreshed = useMemo(
    () => ({ version, step, done: tree.refresh(topics, protocols) }),
    [tree, topics, version, protocols, step],
  );
  useEffect(() => {
    if (refreshed.done) return;
    const timer = setTimeout(() => setStep((n) => n + 1), 0);
    return () => clearTimeout(timer);
  }, [refreshed]);
  // New rows with every refresh and filter change: the rows show the nodes' new values.
  const shown = useMemo(() => {
    const matched = tree.match(filter);
    return { matched, rows: visibleRows(tree.model.root, expanded, filter.trim() !== ''), refreshed };
  }, [tree, filter, expanded, refreshed]);
  return { root: tree.model.root, rows: shown.rows, matched: shown.matched, total: tree.model.size };
}
