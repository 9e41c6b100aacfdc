import type { TopicLive } from '../../shared/ipc';
import { ancestorsOf } from '../topicTree';
import { askNextPage } from './pages';
import type { Slice, Store, TreeSlice } from './types';

/** Asks for the next page of paged tree `id` (see pages.ts). */
function askNextTopicPage(get: () => Store, id: number): void {
  askNextPage(
    () => get().topicPaging === id,
    () => get().call('nextTopicPage', { id }),
  );
}

/** Maps made by `applyTopicLive` (safe to change in place). */
const owned = new WeakSet<ReadonlyMap<string, TopicLive>>();

/** Topics changed since the tree last took them, by map (null: the map is new to the tree). */
const changedIn = new WeakMap<ReadonlyMap<string, TopicLive>, Set<string>>();

/** The topic tree: every topic's live side (while the Topics view watches), and the operator's place in the tree. */
export const createTreeSlice: Slice<TreeSlice> = (set, get) => ({
  topicLive: new Map<string, TopicLive>(),
  topicLiveVersion: 0,
  topicPaging: null,
  treeExpanded: new Set<string>(),
  treeSelected: null,
  treeFilter: '',
  topicsLayout: 'tree',
  setTopicLive(list, paging) {
    set({
      topicLive: new Map(list.map((t) => [t.topic, t])),
      topicLiveVersion: get().topicLiveVersion + 1,
      topicPaging: paging?.id ?? null,
    });
    if (paging !== undefined) askNextTopicPage(get, paging.id);
  },
  applyTopicPage(page) {
    if (get().topicPaging !== page.id) return;
    get().applyTopicLive(page.topics);
    if (page.last) set({ topicPaging: null });
    else askNextTopicPage(get, page.id);
  },
  applyTopicLive(changes) {
    // Changed in place (a copy of 10,000 topics ten times a second costs more than the change):
    // readers follow `topicLiveVersion`. Only a map this slice made is changed, never the initial one.
    const current = get().topicLive;
    const next = owned.has(current) ? (current as Map<string, TopicLive>) : new Map(current);
    owned.add(next);
    for (const live of changes) next.set(live.topic, live);
    // A copy is a new map to the tree (all may have changed); one it has taken from says which.
    const changed = next === current ? changedIn.get(current) : undefined;
    if (changed !== undefined) for (const live of changes) changed.add(live.topic);
    set({ topicLive: next, topicLiveVersion: get().topicLiveVersion + 1 });
  },
  takeTopicLiveChanges() {
    const current = get().topicLive;
    const changed = changedIn.get(current) ?? null;
    // From now on this map's changes are recorded; only a map changed in place is followed.
    if (owned.has(current)) changedIn.set(current, new Set());
    return changed;
  },
  toggleTreeNode(path, open) {
    const expanded = get().treeExpanded;
    const opening = open ?? !expanded.has(path);
    if (opening === expanded.has(path)) return;
    const next = new Set(expanded);
    if (opening) next.add(path);
    else next.delete(path);
    set({ treeExpanded: next });
  },
  selectTreeNode(path) {
    set({ treeSelected: path });
  },
  revealTopic(topic) {
    const next = new Set(get().treeExpanded);
    for (const path of ancestorsOf(topic)) next.add(path);
    set({ treeExpanded: next, treeSelected: topic, topicsLayout: 'tree', view: 'topics' });
  },
  setTreeFilter(treeFilter) {
    set({ treeFilter });
  },
  setTopicsLayout(topicsLayout) {
    set({ topicsLayout });
  },
});
