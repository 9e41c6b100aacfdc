import type { HeldMessage } from '../store/types';
import { bodySummary, formatBytes, formatCount, formatTime, originLabel } from '../format';
import { useStore } from '../store';
import type { Column } from './VirtualTable';

/** One line of a body for the table: line breaks and runs of spaces folded. */
function preview(text: string): string {
  const head = text.length > 300 ? text.slice(0, 300) : text;
  return head.replace(/\s+/g, ' ');
}

/** Columns of the message inspector. */
export const messageColumns: readonly Column<HeldMessage>[] = [
  { id: 'at', header: 'Time', width: '84px', render: (m) => <span className="muted">{formatTime(m.at)}</span> },
  {
    id: 'topic',
    header: 'Topic',
    width: 'minmax(110px, 0.6fr)',
    render: (m) => (
      <span className="chip" title={m.topic}>
        {m.topic}
      </span>
    ),
  },
  {
    id: 'user',
    header: 'User',
    width: '64px',
    render: (m) => (m.userId === null ? <span className="muted">all</span> : m.userId),
  },
  {
    id: 'origin',
    header: 'From',
    width: '70px',
    render: (m) => <span className={`origin origin-${m.origin}`}>{originLabel[m.origin]}</span>,
  },
  { id: 'bytes', header: 'Size', width: '72px', align: 'end', render: (m) => formatBytes(m.bytes) },
  {
    id: 'delivered',
    header: 'Delivered',
    width: '80px',
    align: 'end',
    render: (m) => formatCount(m.delivered),
  },
  {
    id: 'body',
    header: 'Body',
    width: 'minmax(180px, 1.4fr)',
    render: (m) => (
      <button
        type="button"
        className="body-btn"
        title="Show the whole message"
        // Chosen on the press (a newer message can push the row away before the release, and then
        // no click comes); the click is the keyboard's way (Enter, Space).
        onMouseDown={(event) => {
          if (event.button === 0) useStore.getState().selectMessage(m.key);
        }}
        onClick={() => useStore.getState().selectMessage(m.key)}
      >
        <code>{preview(bodySummary(m.body, m.bytes))}</code>
      </button>
    ),
  },
];
