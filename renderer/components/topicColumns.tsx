import type { RetainedPreview } from '../../shared/ipc';
import { bodySummary, formatBytes, formatCount } from '../format';
import { useStore } from '../store';
import type { TopicRow } from '../store/selectors';
import type { Column } from './VirtualTable';

/** A retained message in one line: its text, or `binary N B · hex…`. */
export function retainedSummary(retained: RetainedPreview): string {
  const body = retained.encoding === 'base64' ? { base64: retained.message } : { text: retained.message };
  return bodySummary(body, retained.bytes).replace(/\s+/g, ' ');
}

const none = <span className="muted">—</span>;

/** Columns of the Topics view: subscribers and publishes (live), history and retained message (asked for). */
export const topicColumns: readonly Column<TopicRow>[] = [
  {
    id: 'topic',
    header: 'Topic',
    width: 'minmax(140px, 1fr)',
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
  {
    id: 'subscribers',
    header: 'Subscribers',
    width: '100px',
    align: 'end',
    render: (t) => formatCount(t.info?.subscribers ?? 0),
  },
  {
    id: 'published',
    header: 'Published',
    width: '92px',
    align: 'end',
    render: (t) => (t.info === null ? none : formatCount(t.info.published)),
  },
  {
    id: 'history',
    header: 'History',
    width: '132px',
    align: 'end',
    render: (t) => (t.stream === null ? none : `${formatCount(t.stream.size)} · ${formatBytes(t.stream.bytes)}`),
  },
  {
    id: 'offset',
    header: 'Last offset',
    width: '96px',
    align: 'end',
    render: (t) =>
      t.stream === null ? none : <span title={`epoch ${t.stream.epoch}`}>{formatCount(t.stream.lastOffset)}</span>,
  },
  {
    id: 'retained',
    header: 'Retained',
    width: 'minmax(140px, 1fr)',
    render: (t) =>
      t.stream?.retained == null ? (
        <span className="muted">none</span>
      ) : (
        <code className="ellipsis" title={retainedSummary(t.stream.retained)} data-testid="retained-preview">
          {retainedSummary(t.stream.retained)}
        </code>
      ),
  },
  {
    id: 'actions',
    header: '',
    width: '176px',
    align: 'end',
    render: (t) => (
      <span className="row-actions">
        <button
          type="button"
          className="btn btn-small"
          aria-label={`History of ${t.topic}`}
          onClick={() => useStore.getState().openHistory(t.topic)}
        >
          History
        </button>
        <button
          type="button"
          className="btn btn-small"
          aria-label={`Publish to ${t.topic}`}
          onClick={() => useStore.getState().publishTo(t.topic)}
        >
          Publish…
        </button>
      </span>
    ),
  },
];
