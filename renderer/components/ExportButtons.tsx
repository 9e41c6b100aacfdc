import { useRef, useState } from 'react';
import { useStore } from '../store';
import type { ExportFormat, ExportSource } from '../export/formats';
import { downloadSink, fileSink, streamExport } from '../export/stream';
import { formatCount } from '../format';

type Progress = { kind: 'idle' } | { kind: 'busy'; done: number; total: number } | { kind: 'said'; text: string };

/**
 * Export buttons for a list: NDJSON or CSV of `rows()` (read when clicked), streamed in slices so
 * a large list never freezes the page; a save dialog in the desktop app, a download in a browser.
 */
export function ExportButtons<T>({
  source,
  rows,
  label,
}: {
  source: ExportSource<T>;
  rows: () => readonly T[];
  label: string;
}) {
  const [progress, setProgress] = useState<Progress>({ kind: 'idle' });
  const cancel = useRef(false);
  const run = async (format: ExportFormat): Promise<void> => {
    const { transport, call } = useStore.getState();
    const sink = transport?.saves === 'file' ? fileSink(call) : downloadSink(format);
    const list = rows();
    cancel.current = false;
    setProgress({ kind: 'busy', done: 0, total: list.length });
    try {
      const outcome = await streamExport(source, format, list, sink, {
        onProgress: (done, total) => setProgress({ kind: 'busy', done, total }),
        cancelled: () => cancel.current,
      });
      const text =
        outcome.kind === 'cancelled'
          ? 'Export cancelled'
          : `Exported ${formatCount(outcome.rows)} ${outcome.rows === 1 ? 'row' : 'rows'}${outcome.where === '' ? '' : ` to ${outcome.where}`}`;
      setProgress({ kind: 'said', text });
    } catch (error) {
      setProgress({ kind: 'said', text: `Export failed: ${(error as Error).message}` });
    }
  };
  const busy = progress.kind === 'busy';
  return (
    <div className="export-group" role="group" aria-label={label}>
      <span className="export-label" aria-hidden="true">
        Export
      </span>
      <button
        type="button"
        className="btn btn-small"
        aria-label={`${label} as NDJSON`}
        disabled={busy}
        onClick={() => void run('ndjson')}
      >
        NDJSON
      </button>
      <button
        type="button"
        className="btn btn-small"
        aria-label={`${label} as CSV`}
        disabled={busy}
        onClick={() => void run('csv')}
      >
        CSV
      </button>
      {busy && (
        <button type="button" className="btn btn-small" onClick={() => (cancel.current = true)}>
          Cancel
        </button>
      )}
      <span className="export-status" role="status" data-testid="export-status">
        {busy
          ? `Exporting… ${progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100)}%`
          : progress.kind === 'said'
            ? progress.text
            : ''}
      </span>
    </div>
  );
}
