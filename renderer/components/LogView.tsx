import type { LogEntry } from '../../shared/ipc';
import { formatCount, formatTime, plural } from '../format';
import { logLimit } from '../store/logSlice';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { logSource } from '../export/formats';
import { EmptyState } from './EmptyState';
import { ExportButtons } from './ExportButtons';
import { FilterBox } from './FilterBox';
import { type Column, VirtualTable } from './VirtualTable';

const columns: readonly Column<LogEntry>[] = [
  { id: 'at', header: 'Time', width: '92px', render: (e) => <span className="muted">{formatTime(e.at)}</span> },
  {
    id: 'kind',
    header: 'Event',
    width: '124px',
    render: (e) => <span className={`kind kind-${e.kind}`}>{e.kind}</span>,
  },
  { id: 'text', header: 'Details', width: 'minmax(200px, 1fr)', render: (e) => <span title={e.text}>{e.text}</span> },
];

/** The live log, newest first: bounded, pausable, filterable. */
export function LogView() {
  const entries = useStore(hubSelectors.visibleLog);
  const total = useStore((s) => s.log.length);
  const held = useStore((s) => s.held.length);
  const paused = useStore((s) => s.logPaused);
  const filter = useStore((s) => s.logFilter);
  const { setLogPaused, setLogFilter, clearLog } = useStore.getState();
  // What the view shows, oldest first.
  const exportRows = () => hubSelectors.visibleLog(useStore.getState()).toReversed();

  return (
    <section className="view" aria-label="Live log">
      <div className="toolbar">
        <FilterBox
          label="Filter log"
          placeholder="Filter: text or event, e.g. published"
          value={filter}
          onChange={setLogFilter}
          testId="log-filter"
        />
        <button type="button" className="btn" aria-pressed={paused} onClick={() => setLogPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn" onClick={clearLog} disabled={total === 0 && held === 0}>
          Clear
        </button>
        <ExportButtons source={logSource} rows={exportRows} label="Export the log" />
        <span className="toolbar-count" aria-live="polite">
          {paused ? `Paused — ${plural(held, 'new line')} waiting` : `Last ${formatCount(logLimit)} lines kept`}
        </span>
      </div>
      {entries.length === 0 ? (
        <EmptyState title={total === 0 ? 'Nothing logged yet' : 'No log lines match this filter'}>
          <p>
            {total === 0
              ? 'Registrations, connections, topic changes and publishes show up here as they happen.'
              : 'Try another word, or clear the filter.'}
          </p>
        </EmptyState>
      ) : (
        <VirtualTable
          label="Live log"
          columns={columns}
          rows={entries}
          rowKey={(e) => String(e.seq)}
          rowTestId="log-row"
          rowHeight={32}
        />
      )}
    </section>
  );
}
