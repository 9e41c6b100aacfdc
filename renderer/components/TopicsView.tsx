import type { TopicInfo } from '../../shared/hub';
import { formatCount, shownOf } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { EmptyState } from './EmptyState';
import { FilterBox } from './FilterBox';
import { type Column, VirtualTable } from './VirtualTable';

const columns: readonly Column<TopicInfo>[] = [
  {
    id: 'topic',
    header: 'Topic',
    width: 'minmax(160px, 1fr)',
    render: (t) => (
      <button
        type="button"
        className="chip chip-btn"
        title={`Show the subscribers of ${t.topic}`}
        onClick={() => useStore.getState().showClients(`topic:${t.topic}`)}
      >
        {t.topic}
      </button>
    ),
  },
  { id: 'subscribers', header: 'Subscribers', width: '120px', align: 'end', render: (t) => formatCount(t.subscribers) },
  { id: 'published', header: 'Published', width: '120px', align: 'end', render: (t) => formatCount(t.published) },
  {
    id: 'actions',
    header: '',
    width: '120px',
    align: 'end',
    render: (t) => (
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Publish to ${t.topic}`}
        onClick={() => useStore.getState().publishTo(t.topic)}
      >
        Publish…
      </button>
    ),
  },
];

/** Topics: subscribers and messages published, busiest first. */
export function TopicsView() {
  const topics = useStore(hubSelectors.sortedTopics);
  const total = useStore((s) => s.topics.length);
  const filter = useStore((s) => s.topicFilter);
  const setTopicFilter = useStore((s) => s.setTopicFilter);
  if (total === 0) {
    return (
      <EmptyState title="No topics yet">
        <p>
          Topics appear when a connected device subscribes by sending <code>{'{"topics": ["cats"]}'}</code> on its
          WebSocket.
        </p>
      </EmptyState>
    );
  }
  return (
    <section className="view" aria-label="Topics">
      <div className="toolbar">
        <FilterBox
          label="Filter topics"
          placeholder="Filter: topic name"
          value={filter}
          onChange={setTopicFilter}
          testId="topic-filter"
        />
        <span className="toolbar-count">{shownOf(topics.length, total, 'topic')}</span>
      </div>
      {topics.length === 0 ? (
        <EmptyState title="No topics match this filter" />
      ) : (
        <VirtualTable label="Topics" columns={columns} rows={topics} rowKey={(t) => t.topic} rowTestId="topic-row" />
      )}
    </section>
  );
}
