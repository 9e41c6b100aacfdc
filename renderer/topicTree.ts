/**
 * The topic tree, pure: topics split on `/` into nodes, each branch rolling up its topics'
 * messages, rates, subscribers (by protocol) and retained messages; a filter that takes MQTT
 * wildcards; and the rows a virtualised list shows for the expanded nodes. No DOM, no store.
 */
import type { ClientInfo } from '../shared/hub';
import type { TopicLive } from '../shared/ipc';

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
  /** Children are sorted by name (done once, when first shown). */
  sorted: boolean;
  leaf: TopicLeaf | null;
  /** Totals over this node and everything under it. */
  topics: number;
  messages: number;
  perSecond: number;
  subscribers: number;
  retained: number;
  protocols: Partial<Record<Protocol, number>>;
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
  return (topic) => matchesFilter(levels, topic.split('/'));
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
    sorted: false,
    leaf: null,
    topics: 0,
    messages: 0,
    perSecond: 0,
    subscribers: 0,
    retained: 0,
    protocols: {},
  };
}

/** Builds the tree of the topics `match` lets through (all when null), with every branch's totals. */
export function buildTree(leaves: Iterable<TopicLeaf>, match: ((topic: string) => boolean) | null = null): TreeNode {
  const root = newNode('', '', null);
  const byPath = new Map<string, TreeNode>();
  // Parents are made before their children: totals roll up by walking this list backwards.
  const made: TreeNode[] = [];
  for (const leaf of leaves) {
    if (match !== null && !match(leaf.topic)) continue;
    let node = root;
    let start = 0;
    for (;;) {
      const slash = leaf.topic.indexOf('/', start);
      const end = slash === -1 ? leaf.topic.length : slash;
      const path = leaf.topic.slice(0, end);
      let child = byPath.get(path);
      if (child === undefined) {
        child = newNode(path, leaf.topic.slice(start, end), node);
        byPath.set(path, child);
        node.children.push(child);
        made.push(child);
      }
      node = child;
      if (slash === -1) break;
      start = slash + 1;
    }
    node.leaf = leaf;
    node.topics = 1;
    node.messages = leaf.live?.messages ?? 0;
    node.perSecond = leaf.live?.perSecond ?? 0;
    node.subscribers = leaf.subscribers;
    node.retained = leaf.live?.retained === true ? 1 : 0;
    if (leaf.protocols !== null) Object.assign(node.protocols, leaf.protocols);
    else if (leaf.subscribers > 0) node.protocols.ws = leaf.subscribers;
  }
  for (let i = made.length - 1; i >= 0; i--) {
    const node = made[i] as TreeNode;
    const parent = node.parent as TreeNode;
    parent.topics += node.topics;
    parent.messages += node.messages;
    parent.perSecond += node.perSecond;
    parent.subscribers += node.subscribers;
    parent.retained += node.retained;
    for (const [protocol, count] of Object.entries(node.protocols) as [Protocol, number][]) {
      parent.protocols[protocol] = (parent.protocols[protocol] ?? 0) + count;
    }
  }
  return root;
}

const byName = (a: TreeNode, b: TreeNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sortedChildren(node: TreeNode): TreeNode[] {
  if (!node.sorted) {
    node.children.sort(byName);
    node.sorted = true;
  }
  return node.children;
}

/** The rows shown: every child of an expanded node (all of them when `expandAll`), depth first, by name. */
export function visibleRows(root: TreeNode, expanded: ReadonlySet<string>, expandAll = false): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (node: TreeNode): void => {
    const children = sortedChildren(node);
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

/** `3 ws · 1 mqtt`, or `—` for none. */
export function protocolSummary(protocols: Readonly<Partial<Record<Protocol, number>>>): string {
  const parts = Object.entries(protocols)
    .filter(([, count]) => count > 0)
    .map(([protocol, count]) => `${count.toLocaleString('en-US')} ${protocol}`);
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
