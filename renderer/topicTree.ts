/**
 * The topic tree, pure: topics split on `/` into nodes, each branch rolling up its topics'
 * messages, rates, subscribers (by protocol) and retained messages; a filter that takes MQTT
 * wildcards; and the rows a virtualised list shows for the expanded nodes. No DOM, no store.
 */
import type { ClientInfo } from '../shared/hub';
import type { TopicLive } from '../shared/ipc';
import { formatCount } from './format';

/** A door's protocol, as `ClientInfo.protocol` names it (absent: `ws`). */
export type Protocol = NonNullable<ClientInfo['protocol']>;

/** One topic as the tree is given it: its subscribers (by protocol) and its live side. */
export interface TopicLeaf {
  topic: string;
  subscribers: number;
  /** Subscribers by protocol (null: every one is `ws`). */
  protocols: Readonly<Partial<Record<Protocol, number>>> | null;
  live: TopicLive | null;
}

/** A node of the tree: a level of some topics' names, and a topic itself when `leaf` is set. */
export interface TreeNode {
  /** The topic name up to this level (`home/kitchen`); its key in the expanded set. */
  path: string;
  /** This level's part of the name. */
  name: string;
  depth: number;
  parent: TreeNode | null;
  children: TreeNode[];
  /** Children by name (made with the first child). */
  childByName: Map<string, TreeNode> | null;
  /** Children are sorted by name (done when first shown, again after one is added). */
  sorted: boolean;
  leaf: TopicLeaf | null;
  /** Totals over this node and everything under it. */
  topics: number;
  messages: number;
  perSecond: number;
  subscribers: number;
  retained: number;
  /** Subscribers by protocol (null: none). */
  protocols: Partial<Record<Protocol, number>> | null;
  /** Topics under it (itself included) that the filter lets through. */
  matched: number;
}

/** A row of the visible tree. */
export interface TreeRow {
  node: TreeNode;
  /** 1-based position among its siblings, and how many siblings (ARIA `posinset`/`setsize`). */
  position: number;
  siblings: number;
}

/**
 * A filter as the operator types it: with `+` (one level) or `#` (every level below) as whole
 * levels it is an MQTT topic filter (`home/+/temp`, `home/#`); otherwise words found in the name
 * (any case). Null: every topic.
 */
export function topicMatcher(filter: string): ((topic: string) => boolean) | null {
  const text = filter.trim();
  if (text === '') return null;
  const levels = text.split('/');
  if (!levels.some((level) => level === '+' || level === '#')) {
    const needle = text.toLowerCase();
    return (topic) => topic.toLowerCase().includes(needle);
  }
  return (topic) => matchesLevels(levels, topic);
}

/** `matchesFilter` on a topic name as it is (no array made: the tree matches 10,000 names per keystroke). */
function matchesLevels(filter: readonly string[], topic: string): boolean {
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i];
    if (level === '#') return i === filter.length - 1;
    if (start > topic.length) return false;
    const slash = topic.indexOf('/', start);
    const end = slash === -1 ? topic.length : slash;
    if (level !== '+' && (end - start !== level?.length || !topic.startsWith(level, start))) return false;
    start = slash === -1 ? topic.length + 1 : slash + 1;
  }
  return start > topic.length;
}

/** MQTT matching: `+` takes one level, a last `#` takes the rest (also none: `home/#` matches `home`). */
export function matchesFilter(filter: readonly string[], topic: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i];
    if (level === '#') return i === filter.length - 1;
    if (i >= topic.length) return false;
    if (level !== '+' && level !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

function newNode(path: string, name: string, parent: TreeNode | null): TreeNode {
  return {
    path,
    name,
    depth: parent === null ? 0 : parent.depth + 1,
    parent,
    children: [],
    childByName: null,
    sorted: false,
    leaf: null,
    topics: 0,
    messages: 0,
    perSecond: 0,
    subscribers: 0,
    retained: 0,
    protocols: null,
    matched: 0,
  };
}

function addProtocols(to: TreeNode, from: Readonly<Partial<Record<Protocol, number>>>, sign = 1): void {
  const sum = (to.protocols ??= {});
  for (const key in from) {
    const protocol = key as Protocol;
    sum[protocol] = (sum[protocol] ?? 0) + sign * (from[protocol] ?? 0);
  }
}

/** A topic's own subscribers by protocol (null: none). */
function ownProtocols(leaf: TopicLeaf): Readonly<Partial<Record<Protocol, number>>> | null {
  return leaf.subscribers === 0 ? null : (leaf.protocols ?? { ws: leaf.subscribers });
}

/** Adds what changed between a topic's old and new data to its node and every node above it. */
function applyDelta(node: TreeNode, before: TopicLeaf, after: TopicLeaf): void {
  const messages = (after.live?.messages ?? 0) - (before.live?.messages ?? 0);
  const perSecond = (after.live?.perSecond ?? 0) - (before.live?.perSecond ?? 0);
  const subscribers = after.subscribers - before.subscribers;
  const retained = (after.live?.retained === true ? 1 : 0) - (before.live?.retained === true ? 1 : 0);
  const protocolsBefore = ownProtocols(before);
  const protocolsAfter = ownProtocols(after);
  const protocolsMoved = protocolsBefore !== protocolsAfter && (protocolsBefore !== null || protocolsAfter !== null);
  for (let at: TreeNode | null = node; at !== null; at = at.parent) {
    at.messages += messages;
    // Rates come with one decimal: rounding keeps the sums exact.
    if (perSecond !== 0) at.perSecond = Math.round((at.perSecond + perSecond) * 10) / 10;
    at.subscribers += subscribers;
    at.retained += retained;
    if (protocolsMoved) {
      if (protocolsBefore !== null) addProtocols(at, protocolsBefore, -1);
      if (protocolsAfter !== null) addProtocols(at, protocolsAfter);
    }
  }
}

/** True when two data of a topic show the same. */
function sameLeaf(a: TopicLeaf, b: TopicLeaf): boolean {
  return a.live === b.live && a.subscribers === b.subscribers && a.protocols === b.protocols;
}

/** Gives a topic's node its new data, and what changed to every node above it. */
function give(node: TreeNode, leaf: TopicLeaf): void {
  const before = node.leaf as TopicLeaf;
  if (sameLeaf(before, leaf)) return;
  node.leaf = leaf;
  applyDelta(node, before, leaf);
}

/**
 * The topic tree, kept across refreshes: its shape changes only when topics come or go, so a
 * refresh of 10,000 topics costs a map lookup each, and each topic that changed adds what
 * changed to the nodes above it (a few, not all 10,000).
 */
export class TopicTreeModel {
  readonly root: TreeNode = newNode('', '', null);
  readonly #byTopic = new Map<string, TreeNode>();
  /** Every node but the root, parents before their children: totals roll up by walking it backwards. */
  #made: TreeNode[] = [];
  #match: ((topic: string) => boolean) | null = null;
  #shape = 0;

  /** Changes when topics are added or the tree starts again: the filter's counts change only then. */
  get shape(): number {
    return this.#shape;
  }

  /** How many topics the tree holds. */
  get size(): number {
    return this.#byTopic.size;
  }

  /**
   * Gives every topic its current data: a changed topic adds its change to the nodes above it, a
   * new one its node. At most `budget` new topics per call (a tree of 10,000 grows over a few
   * tasks instead of one long one); answers false while some are still to add. A topic gone
   * starts the tree again.
   */
  update(leaves: readonly TopicLeaf[], budget = Number.POSITIVE_INFINITY): boolean {
    let known = 0;
    const added: TopicLeaf[] = [];
    for (const leaf of leaves) {
      const node = this.#byTopic.get(leaf.topic);
      if (node === undefined) {
        added.push(leaf);
        continue;
      }
      known++;
      give(node, leaf);
    }
    if (known < this.#byTopic.size) {
      this.#clear();
      return this.update(leaves, budget);
    }
    const now = added.length <= budget ? added : added.slice(0, budget);
    for (const leaf of now) this.#add(leaf);
    return now.length === added.length;
  }

  /**
   * Gives the topics in `leaves` (some of the tree's, each once) their current data, leaving the
   * others as they are: a refresh costs what changed. Answers false, changing nothing, when one
   * is not in the tree yet: then `update` with every topic adds it.
   */
  change(leaves: readonly TopicLeaf[]): boolean {
    if (!leaves.every((leaf) => this.#byTopic.has(leaf.topic))) return false;
    for (const leaf of leaves) give(this.#byTopic.get(leaf.topic) as TreeNode, leaf);
    return true;
  }

  /** Marks the topics `match` lets through (all when null), on every node above them, now and after each update; answers how many. */
  filter(match: ((topic: string) => boolean) | null): number {
    this.#match = match;
    const made = this.#made;
    if (match === null) {
      for (const node of made) node.matched = node.topics;
      this.root.matched = this.root.topics;
      return this.root.matched;
    }
    for (const node of made) node.matched = 0;
    this.root.matched = 0;
    for (const [topic, node] of this.#byTopic) {
      if (!match(topic)) continue;
      for (let at: TreeNode | null = node; at !== null; at = at.parent) at.matched++;
    }
    return this.root.matched;
  }

  #clear(): void {
    const root = this.root;
    Object.assign(root, newNode('', '', null));
    this.#byTopic.clear();
    this.#made = [];
    this.#shape++;
  }

  /** Adds a topic's node (and the branches above it), then its totals to every node above it. */
  #add(leaf: TopicLeaf): void {
    let node = this.root;
    let start = 0;
    for (;;) {
      const slash = leaf.topic.indexOf('/', start);
      const end = slash === -1 ? leaf.topic.length : slash;
      const name = leaf.topic.slice(start, end);
      node.childByName ??= new Map();
      let child = node.childByName.get(name);
      if (child === undefined) {
        child = newNode(leaf.topic.slice(0, end), name, node);
        node.childByName.set(name, child);
        node.children.push(child);
        node.sorted = false;
        this.#made.push(child);
      }
      node = child;
      if (slash === -1) break;
      start = slash + 1;
    }
    node.leaf = leaf;
    this.#byTopic.set(leaf.topic, node);
    this.#shape++;
    const matches = this.#match === null || this.#match(leaf.topic);
    for (let at: TreeNode | null = node; at !== null; at = at.parent) {
      at.topics++;
      if (matches) at.matched++;
    }
    applyDelta(node, { topic: leaf.topic, subscribers: 0, protocols: null, live: null }, leaf);
  }
}

/** A tree of `leaves` with only what `match` lets through marked (all when null): a model built once. */
export function buildTree(leaves: readonly TopicLeaf[], match: ((topic: string) => boolean) | null = null): TreeNode {
  const model = new TopicTreeModel();
  model.update(leaves);
  model.filter(match);
  return model.root;
}

const byName = (a: TreeNode, b: TreeNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sortedChildren(node: TreeNode): TreeNode[] {
  if (!node.sorted) {
    node.children.sort(byName);
    node.sorted = true;
  }
  return node.children;
}

/** The rows shown: every matched child of an expanded node (all of them when `expandAll`), depth first, by name. */
export function visibleRows(root: TreeNode, expanded: ReadonlySet<string>, expandAll = false): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (node: TreeNode): void => {
    const all = sortedChildren(node);
    const children = node.matched === node.topics ? all : all.filter((child) => child.matched > 0);
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as TreeNode;
      rows.push({ node: child, position: i + 1, siblings: children.length });
      if (child.children.length > 0 && (expandAll || expanded.has(child.path))) visit(child);
    }
  };
  visit(root);
  return rows;
}

/** Subscribers of each topic by protocol, or null when every client is a `ws` one (the common case costs one scan). */
export function protocolsByTopic(
  clients: ReadonlyMap<string, ClientInfo>,
): Map<string, Partial<Record<Protocol, number>>> | null {
  let other = false;
  for (const client of clients.values()) {
    if ((client.protocol ?? 'ws') === 'ws') continue;
    other = true;
    break;
  }
  if (!other) return null;
  const counts = new Map<string, Partial<Record<Protocol, number>>>();
  for (const client of clients.values()) {
    const protocol = client.protocol ?? 'ws';
    for (const topic of client.topics) {
      let entry = counts.get(topic);
      if (entry === undefined) counts.set(topic, (entry = {}));
      entry[protocol] = (entry[protocol] ?? 0) + 1;
    }
  }
  return counts;
}

/** Protocols in the order a summary names them (not the order counts were added: it changes with refreshes). */
const protocolOrder = Object.keys({
  ws: 1,
  mqtt: 1,
  'mqtt-ws': 1,
  sse: 1,
  ndjson: 1,
  webhook: 1,
} satisfies Record<Protocol, 1>) as Protocol[];

/** `3 ws · 1 mqtt`, or `—` for none. */
export function protocolSummary(protocols: Readonly<Partial<Record<Protocol, number>>> | null): string {
  const parts = protocolOrder
    .filter((protocol) => (protocols?.[protocol] ?? 0) > 0)
    .map((protocol) => `${formatCount(protocols?.[protocol] ?? 0)} ${protocol}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** The paths of a topic's ancestors (`a`, `a/b` for `a/b/c`): what to expand to show it. */
export function ancestorsOf(topic: string): string[] {
  const paths: string[] = [];
  for (let slash = topic.indexOf('/'); slash !== -1; slash = topic.indexOf('/', slash + 1)) {
    paths.push(topic.slice(0, slash));
  }
  return paths;
}
