import { shownOf } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import type { Store } from '../store/types';
import { EmptyState } from './EmptyState';
import { FilterBox } from './FilterBox';
import { topicColumns } from './topicColumns';
import { TopicHistory } from './TopicHistory';
import { TopicTreeView } from './TopicTreeView';
import { useLiveRefresh } from './useLiveRefresh';
import { VirtualTable } from './VirtualTable';

// With a history panel open, the panel shows the stream: the table keeps what fits beside it.
const narrowTopicColumns = topicColumns.filter((c) => !['published', 'offset', 'retained'].includes(c.id));

const load = (): Promise<void> => useStore.getState().loadStreams();
// Every publish moves a stream (also on topics nobody subscribes to): follow the hub's publish count.
const watch = (s: Store): string => `${s.stats.published} ${s.topics.length}`;

/** Tree or list: how the Topics view shows topics. */
function LayoutSwitch() {
  const layout = useStore((s) => s.topicsLayout);
  const setLayout = useStore((s) => s.setTopicsLayout);
  return (
    <span className="segmented" role="group" aria-label="Show topics as">
      {(['tree', 'list'] as const).map((value) => (
        <button
          key={value}
          type="button"
          className="btn btn-small"
          aria-pressed={layout === value}
          data-testid={`topics-${value}`}
          onClick={() => setLayout(value)}
        >
          {value === 'tree' ? 'Tree' : 'List'}
        </button>
      ))}
    </span>
  );
}

/** Topics: a live tree by `/` (values, counts, rates, retained), or the list of streams with their history. */
export function TopicsView() {
  const layout = useStore((s) => s.topicsLayout);
  return layout === 'tree' ? <TopicTreeView layoutSwitch={<LayoutSwitch />} /> : <TopicListView />;
}

/** Topics as a list: subscribers and messages published, each topic's history and retained message; busiest first. */
function TopicListView() {
  useLiveRefresh(load, watch);
  const rows = useStore(hubSelectors.topicRows);
  const total = useStore(hubSelectors.topicTotal);
  const filter = useStore((s) => s.topicFilter);
  const setTopicFilter = useStore((s) => s.setTopicFilter);
  const open = useStore((s) => s.historyTopic);
  return (
    <section className="view view-with-detail" aria-label="Topics">
      <div className="toolbar">
        <LayoutSwitch />
        <FilterBox
          label="Filter topics"
          placeholder="Filter: topic name"
          value={filter}
          onChange={setTopicFilter}
          testId="topic-filter"
        />
        <span className="toolbar-count">{shownOf(rows.length, total, 'topic')}</span>
      </div>
      <div className="split">
        {total === 0 ? (
          <EmptyState title="No topics yet">
            <p>
              Topics appear when a connected device subscribes by sending <code>{'{"topics": ["cats"]}'}</code> on its
              WebSocket, or when a message is published.
            </p>
          </EmptyState>
        ) : rows.length === 0 ? (
          <EmptyState title="No topics match this filter" />
        ) : (
          <VirtualTable
            label="Topics"
            columns={open === null ? topicColumns : narrowTopicColumns}
            rows={rows}
            rowKey={(t) => t.topic}
            rowTestId="topic-row"
            selectedKey={open}
          />
        )}
        {open !== null && <TopicHistory topic={open} />}
      </div>
    </section>
  );
}
