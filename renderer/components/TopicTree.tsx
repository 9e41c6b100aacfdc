import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from '../store';
import type { TreeRow } from '../topicTree';
import { TopicTreeRow } from './TopicTreeRow';
import { afterNextFrame, observeRectAfterLayout, scrollAfterMount, windowRect } from './virtualScroll';

const rowHeight = 32;

/** The row a key moves to from `index` (null: the key is not the tree's). */
function target(
  key: string,
  index: number,
  rows: readonly TreeRow[],
  expanded: (path: string) => boolean,
): number | null {
  const row = rows[index];
  switch (key) {
    case 'ArrowDown':
      return Math.min(rows.length - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return rows.length - 1;
    case 'PageDown':
      return Math.min(rows.length - 1, index + 10);
    case 'PageUp':
      return Math.max(0, index - 10);
    case 'ArrowRight':
      // Open: go to the first child.
      return row !== undefined && row.node.children.length > 0 && expanded(row.node.path) ? index + 1 : index;
    case 'ArrowLeft': {
      if (row === undefined || (row.node.children.length > 0 && expanded(row.node.path))) return index;
      const parent = row.node.parent?.path;
      if (row.node.depth <= 1 || parent === undefined) return index;
      for (let i = index - 1; i >= 0; i--) if (rows[i]?.node.path === parent) return i;
      return index;
    }
    default:
      return null;
  }
}

/**
 * The topic tree (the ARIA tree pattern): arrows move, Right/Left open and close or go to the
 * first child and the parent, Enter or Space shows the node's detail. Only the rows in view are
 * rendered, so 10,000 topics cost as much as 30.
 */
export function TopicTree({ rows, filtering }: { rows: readonly TreeRow[]; filtering: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const expandedSet = useStore((s) => s.treeExpanded);
  const selected = useStore((s) => s.treeSelected);
  const { toggleTreeNode, selectTreeNode } = useStore.getState();
  // The active row (where the keyboard is) by path: it stays on its node when rows come and go.
  // Opened on a topic (Show in topic tree): the keyboard starts there, scrolled into view.
  const [activePath, setActivePath] = useState<string | null>(() => useStore.getState().treeSelected);
  const current = useMemo(() => {
    const at = activePath === null ? -1 : rows.findIndex((r) => r.node.path === activePath);
    return Math.max(0, at);
  }, [rows, activePath]);
  const setActive = (index: number): void => setActivePath(rows[index]?.node.path ?? null);
  const onSelect = useCallback(
    (path: string) => {
      setActivePath(path);
      selectTreeNode(path);
    },
    [selectTreeNode],
  );
  const isExpanded = (path: string): boolean => filtering || expandedSet.has(path);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read only during render, never memoised
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => rows[index]?.node.path ?? index,
    observeElementRect: observeRectAfterLayout,
    scrollToFn: scrollAfterMount,
    initialRect: windowRect(),
  });
  useEffect(() => {
    if (activePath === null || rows.length === 0) return;
    // From the virtualizer's cached sizes: asking the DOM would lay the page out on every key.
    const offset = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    const top = current * rowHeight;
    if (top >= offset && top + rowHeight <= offset + height) return;
    return afterNextFrame(() => virtualizer.scrollToIndex(current));
  }, [current, activePath, rows.length, virtualizer]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const row = rows[current];
    if (row === undefined) return;
    if (event.key === 'Enter' || event.key === ' ') {
      selectTreeNode(row.node.path);
    } else if (
      (event.key === 'ArrowRight' || event.key === 'ArrowLeft') &&
      row.node.children.length > 0 &&
      !filtering
    ) {
      const open = event.key === 'ArrowRight';
      if (open !== expandedSet.has(row.node.path)) toggleTreeNode(row.node.path, open);
      else setActive(target(event.key, current, rows, isExpanded) ?? current);
    } else {
      const next = target(event.key, current, rows, isExpanded);
      if (next === null) return;
      setActive(next);
    }
    event.preventDefault();
  };

  return (
    <div
      className="tree-scroll"
      ref={scrollRef}
      role="tree"
      aria-label="Topics"
      tabIndex={0}
      aria-activedescendant={rows.length === 0 ? undefined : `topic-tree-row-${current}`}
      onKeyDown={onKeyDown}
      data-testid="topic-tree"
    >
      <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          return (
            <TopicTreeRow
              key={item.key}
              row={row}
              index={item.index}
              top={item.start}
              height={rowHeight}
              expanded={isExpanded(row.node.path)}
              selected={selected === row.node.path}
              active={item.index === current}
              onToggle={toggleTreeNode}
              onSelect={onSelect}
            />
          );
        })}
      </div>
    </div>
  );
}
