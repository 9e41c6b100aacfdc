import { memo } from 'react';
import type { RetainedPreview } from '../../shared/ipc';
import { bodySummary, formatCount, formatRate, plural } from '../format';
import { protocolSummary, type TreeRow } from '../topicTree';

/** A last value in one line: compact text (JSON as sent), or `binary N B · hex…`. */
export function valueSummary(last: RetainedPreview): string {
  const body = last.encoding === 'base64' ? { base64: last.message } : { text: last.message };
  return bodySummary(body, last.bytes).replace(/\s+/g, ' ').slice(0, 160);
}

/** Props of one tree row. */
export interface TopicTreeRowProps {
  row: TreeRow;
  index: number;
  top: number;
  height: number;
  expanded: boolean;
  selected: boolean;
  active: boolean;
  onToggle: (path: string) => void;
  onSelect: (path: string) => void;
}

/** One node of the topic tree: its name, last value, messages and rate, subscribers by protocol, retained. */
function TopicTreeRowView({
  row,
  index,
  top,
  height,
  expanded,
  selected,
  active,
  onToggle,
  onSelect,
}: TopicTreeRowProps) {
  const { node } = row;
  const branch = node.children.length > 0;
  const last = node.leaf?.live?.last ?? null;
  const classes = `tree-row${selected ? ' is-selected' : ''}${active ? ' is-active' : ''}`;
  return (
    <div
      role="treeitem"
      id={`topic-tree-row-${index}`}
      aria-level={node.depth}
      aria-setsize={row.siblings}
      aria-posinset={row.position}
      aria-expanded={branch ? expanded : undefined}
      aria-selected={selected}
      className={classes}
      data-testid="tree-node"
      data-path={node.path}
      style={{ height, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(node.path)}
    >
      <span className="tree-name" style={{ paddingLeft: `${(node.depth - 1) * 16}px` }}>
        <span
          className="tree-toggle"
          aria-hidden="true"
          onClick={(event) => {
            event.stopPropagation();
            if (branch) onToggle(node.path);
          }}
        >
          {branch ? (expanded ? '▾' : '▸') : ''}
        </span>
        <span className="tree-label" title={node.path}>
          {node.name === '' ? '(empty)' : node.name}
        </span>
        {branch && <span className="tree-count muted">{plural(node.topics, 'topic')}</span>}
      </span>
      <code className="tree-value" data-testid="tree-value" title={last === null ? undefined : valueSummary(last)}>
        {last === null ? '' : valueSummary(last)}
      </code>
      <span className="tree-num" data-testid="tree-messages" title="Messages">
        {formatCount(node.messages)}
      </span>
      <span className="tree-num" data-testid="tree-rate" title="Messages per second">
        {formatRate(node.perSecond)}
      </span>
      <span className="tree-subs" title="Subscribers by protocol">
        {protocolSummary(node.protocols)}
      </span>
      <span className="tree-retained">
        {node.retained > 0 && (
          <span className="chip" data-testid="tree-retained" title={`${formatCount(node.retained)} retained`}>
            {branch ? `R ${formatCount(node.retained)}` : 'R'}
          </span>
        )}
      </span>
    </div>
  );
}

// Memoised: a push re-renders the rows whose node changed, not the whole window.
export const TopicTreeRow = memo(TopicTreeRowView);
