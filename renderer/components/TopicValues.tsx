import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { HistoryItem, HistoryResponse } from '../../shared/api';
import { formatCount, formatTime, hexDump, prettyBody } from '../format';
import { jsonDiff, parseJson, shortJson } from '../jsonValues';
import { useStore } from '../store';
import { ConfirmButton } from './ConfirmButton';
import { CopyButton } from './CopyButton';

/** Messages per page of a topic's history. */
export const historyPageSize = 50;

// The plot's library (uPlot) loads when a plot is first shown.
const TopicPlot = lazy(() => import('./TopicPlot').then((m) => ({ default: m.TopicPlot })));

/** One page of a topic's history (page 0: the newest), asked again when the topic's last offset moves. */
function useHistoryPage(topic: string, lastOffset: number, page: number, cleared: number) {
  const [state, setState] = useState<{ key: string; value: HistoryResponse | { error: string } } | null>(null);
  const key = `${topic} ${lastOffset} ${page} ${cleared}`;
  useEffect(() => {
    let current = true;
    const upTo = Math.max(0, lastOffset - historyPageSize * page);
    const since = Math.max(0, upTo - historyPageSize);
    const limit = Math.max(1, upTo - since);
    void useStore
      .getState()
      .call('getHistory', { topic, since, limit })
      .then((result) => {
        if (current) setState({ key, value: result.ok ? result.value : { error: result.error.message } });
      });
    return () => {
      current = false;
    };
  }, [topic, lastOffset, page, cleared, key]);
  return state?.value ?? null;
}

/** A topic's history, newest first, a page at a time: each JSON value with what changed from the one before, and a plot. */
export function TopicValues({ topic, lastOffset }: { topic: string; lastOffset: number }) {
  const [page, setPage] = useState(0);
  // Clearing the history moves no offset: this asks the page again.
  const [cleared, setCleared] = useState(0);
  const [reset, setReset] = useState(topic);
  if (reset !== topic) {
    setReset(topic);
    setPage(0);
  }
  const history = useHistoryPage(topic, lastOffset, page, cleared);
  const messages = useMemo(() => (history === null || 'error' in history ? [] : history.messages), [history]);
  const pages = Math.max(1, Math.ceil(lastOffset / historyPageSize));
  return (
    <section aria-label="History" className="topic-values no-shrink">
      {messages.length > 1 && (
        <Suspense fallback={<p className="muted">Loading the plot…</p>}>
          <TopicPlot messages={messages} />
        </Suspense>
      )}
      <div className="history-head">
        <h3>History, newest first</h3>
        <ConfirmButton
          label="Clear history"
          question="Devices coming back are told what they missed is gone (recovered: false)."
          danger
          onConfirm={async () => {
            await useStore.getState().call('clearHistory', { topic });
            setPage(0);
            setCleared((n) => n + 1);
          }}
        />
      </div>
      {history === null ? (
        <p className="muted">Loading…</p>
      ) : 'error' in history ? (
        <p className="muted">{history.error}</p>
      ) : messages.length === 0 ? (
        <p className="muted">The history is empty.</p>
      ) : (
        <ol className="history-list" data-testid="history-list">
          {messages.toReversed().map((item, i, all) => (
            <HistoryValue key={item.offset} item={item} before={all[i + 1] ?? null} />
          ))}
        </ol>
      )}
      <div className="pager" role="group" aria-label="History pages">
        <button type="button" className="btn btn-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Newer
        </button>
        <span className="muted">{`Page ${formatCount(page + 1)} of ${formatCount(pages)}`}</span>
        <button type="button" className="btn btn-small" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
          Older
        </button>
      </div>
    </section>
  );
}

function HistoryValue({ item, before }: { item: HistoryItem; before: HistoryItem | null }) {
  const binary = item.encoding === 'base64';
  const body = binary ? hexDump(item.message, 256) : prettyBody(item.message.slice(0, 4096)).text;
  const diff = useMemo(() => {
    if (binary || before === null || before.encoding === 'base64') return null;
    const a = parseJson(before.message);
    const b = parseJson(item.message);
    return a === undefined || b === undefined ? null : jsonDiff(a, b);
  }, [binary, before, item.message]);
  return (
    <li data-testid="history-item">
      <div className="history-head">
        <code>#{item.offset}</code>
        <span className="muted">{formatTime(item.ts)}</span>
        {binary && <span className="chip">binary · hex</span>}
        {item.retain === true && <span className="chip">retained</span>}
        {item.qos !== undefined && <span className="chip">QoS {item.qos}</span>}
        <CopyButton text={item.message} label={binary ? `Copy #${item.offset} as base64` : `Copy #${item.offset}`} />
      </div>
      {diff !== null && (
        <ul className="diff-list" data-testid="history-diff" aria-label={`Changes from #${before?.offset ?? ''}`}>
          {diff.length === 0 && <li className="muted">no change</li>}
          {diff.map((d) => (
            <li key={`${d.kind} ${d.path}`} className={`diff-${d.kind}`}>
              <code>{d.path === '' ? '(value)' : d.path}</code>{' '}
              {d.kind === 'added'
                ? `+ ${shortJson(d.after)}`
                : d.kind === 'removed'
                  ? `− ${shortJson(d.before)}`
                  : `${shortJson(d.before)} → ${shortJson(d.after)}`}
            </li>
          ))}
        </ul>
      )}
      <pre className={`message-body history-body${binary ? ' is-hex' : ''}`} tabIndex={0}>
        {body}
      </pre>
    </li>
  );
}
