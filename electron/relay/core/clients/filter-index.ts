/**
 * Subscribers by MQTT filter, as a trie by `/` level (Mosquitto's subscription tree, aedes'
 * qlobber): matching a topic walks its levels once, visiting the `+` and `#` branches on the way,
 * so the cost grows with the topic's depth, not with the number of filters. Exact topics never
 * come here (a map lookup serves them); devices that use no wildcard pay nothing.
 */

interface Node<T> {
  children: Map<string, Node<T>>;
  /** Values whose filter ends at this node. */
  values: Set<T>;
}

const newNode = <T>(): Node<T> => ({ children: new Map(), values: new Set() });

export class FilterIndex<T> {
  readonly #root: Node<T> = newNode();
  #size = 0;

  /** Number of (filter, value) pairs held. */
  get size(): number {
    return this.#size;
  }

  /** Adds `value` under `filter` (a valid filter: see `filterProblem`). */
  add(filter: string, value: T): void {
    let node = this.#root;
    for (const level of filter.split('/')) {
      let child = node.children.get(level);
      if (child === undefined) node.children.set(level, (child = newNode()));
      node = child;
    }
    if (!node.values.has(value)) {
      node.values.add(value);
      this.#size++;
    }
  }

  /** Removes `value` from under `filter`; prunes branches left empty. */
  remove(filter: string, value: T): void {
    const path: [Node<T>, string][] = [];
    let node = this.#root;
    for (const level of filter.split('/')) {
      const child = node.children.get(level);
      if (child === undefined) return;
      path.push([node, level]);
      node = child;
    }
    if (!node.values.delete(value)) return;
    this.#size--;
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, level] = path[i] as [Node<T>, string];
      const child = parent.children.get(level) as Node<T>;
      if (child.values.size > 0 || child.children.size > 0) break;
      parent.children.delete(level);
    }
  }

  /** Calls `visit` for each value whose filter matches `topic` (a value under two matching filters twice). */
  match(topic: string, visit: (value: T) => void): void {
    if (this.#size === 0) return;
    const levels = topic.split('/');
    // Wildcards at the first level never match `$` topics (MQTT 3.1.1 §4.7.2).
    const system = topic.startsWith('$');
    const walk = (node: Node<T>, depth: number): void => {
      const rest = node.children.get('#');
      if (rest !== undefined && !(system && depth === 0)) for (const value of rest.values) visit(value);
      if (depth === levels.length) {
        for (const value of node.values) visit(value);
        return;
      }
      const exact = node.children.get(levels[depth] as string);
      if (exact !== undefined) walk(exact, depth + 1);
      const one = node.children.get('+');
      if (one !== undefined && !(system && depth === 0)) walk(one, depth + 1);
    };
    walk(this.#root, 0);
  }
}
