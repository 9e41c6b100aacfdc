import type { ReactNode } from 'react';
import { formatCount, shownOf } from '../format';
import { useStore } from '../store';
import type { TreeNode } from '../topicTree';
import { EmptyState } from './EmptyState';
import { FilterBox } from './FilterBox';
import { TopicNodeDetail } from './TopicNodeDetail';
import { TopicTree } from './TopicTree';
import { useTopicTree, useTopicWatch } from './useTopicTree';

/** The node at `path` (a topic name, or a level of one), or null. */
function nodeAt(root: TreeNode, path: string): TreeNode | null {
  let node: TreeNode | undefined = root;
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const prefix = slash === -1 ? path : path.slice(0, slash);
    node = node.children.find((child) => child.path === prefix);
    if (node === undefined || slash === -1) return node ?? null;
    start = slash + 1;
  }
}

/** The topic tree with its filter and totals, and the detail of the chosen node. */
export function TopicTreeView({ layoutSwitch }: { layoutSwitch: ReactNode }) {
  useTopicWatch();
  const { root, rows, matched, total } = useTopicTree();
  const filter = useStore((s) => s.treeFilter);
  const selected = useStore((s) => s.treeSelected);
  const setTreeFilter = useStore((s) => s.setTreeFilter);
  const node = selected === null ? null : nodeAt(root, selected);
  return (
    <section className="view view-with-detail" aria-label="Topics">
      <div className="toolbar">
        {layoutSwitch}
        <FilterBox
          label="Filter topics (words, or an MQTT filter: home/+/temp, home/#)"
          placeholder="Filter: words or home/+/temp"
          value={filter}
          onChange={setTreeFilter}
          testId="tree-filter"
        />
        <span className="toolbar-count" data-testid="tree-count">
          {shownOf(matched, total, 'topic')}
        </span>
        <span className="toolbar-count muted" data-testid="tree-total-rate">
          {`${formatCount(root.messages)} messages`}
        </span>
      </div>
      <div className="split">
        {total === 0 ? (
          <EmptyState title="No topics yet">
            <p>
              Topics appear when a device subscribes (<code>{'{"topics": ["home/kitchen/temp"]}'}</code> on its
              WebSocket) or when a message is published.
            </p>
          </EmptyState>
        ) : rows.length === 0 ? (
          <EmptyState title="No topics match this filter" />
        ) : (
          <div className="tree-pane">
            <div className="tree-header" aria-hidden="true">
              <span>Topic</span>
              <span>Last value</span>
              <span className="tree-num">Messages</span>
              <span className="tree-num">Rate</span>
              <span>Subscribers</span>
              <span>Retained</span>
            </div>
            <TopicTree rows={rows} filtering={filter.trim() !== ''} />
          </div>
        )}
        {node !== null && <TopicNodeDetail node={node} />}
      </div>
    </section>
  );
}
