import type { TopicInfo } from '../../shared/hub';
import { formatCount, plural } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { EmptyState } from './EmptyState';
import { type Column, VirtualTable } from './VirtualTable';

const columns: readonly Column<TopicInfo>[] = [
  { id: 'topic', header: 'Topic', width: 'minmax(160px, 1fr)', render: (t) => <span className="chip">{t.topic}</span> },
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
  if (topics.length === 0) {
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
        <span className="toolbar-count">{plural(topics.length, 'topic')}</span>
      </div>
      <VirtualTable label="Topics" columns={columns} rows={topics} rowKey={(t) => t.topic} rowTestId="topic-row" />
    </section>
  );
}
