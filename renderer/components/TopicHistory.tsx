import { useEffect, useState } from 'react';
import type { HistoryItem, HistoryResponse } from '../../shared/api';
import { formatBytes, formatCount, formatTime, hexDump, prettyBody } from '../format';
import { useStore } from '../store';
import { ConfirmButton } from './ConfirmButton';
import { DetailPanel } from './DetailPanel';
import { retainedSummary } from './topicColumns';

/** Messages the panel shows, newest first. */
export const historyShown = 25;

/** One topic's stream: position, retained message, its last messages (newest first), and clearing them. */
export function TopicHistory({ topic }: { topic: string }) {
  const stream = useStore((s) => s.streams.get(topic) ?? null);
  const history = useHistory(topic, stream?.lastOffset ?? null, stream?.size ?? 0);
  const { openHistory, loadStreams, call } = useStore.getState();
  const clear = (name: 'clearRetained' | 'clearHistory') => async (): Promise<void> => {
    await call(name, { topic });
    await loadStreams();
  };
  return (
    <DetailPanel title={`History of ${topic}`} onClose={() => openHistory(null)} testId="topic-history">
      {stream === null ? (
        <p className="muted">Nothing was published to this topic since its history began.</p>
      ) : (
        <dl className="detail-list">
          <dt>Epoch</dt>
          <dd>
            <code className="break">{stream.epoch}</code>
          </dd>
          <dt>Last offset</dt>
          <dd data-testid="history-offset">{formatCount(stream.lastOffset)}</dd>
          <dt>Kept</dt>
          <dd data-testid="history-size">{`${formatCount(stream.size)} messages · ${formatBytes(stream.bytes)}`}</dd>
          <dt>Retained</dt>
          <dd data-testid="history-retained">
            {stream.retained === null ? (
              <span className="muted">none</span>
            ) : (
              <>
                <code className="break">{retainedSummary(stream.retained)}</code>
                {stream.retained.truncated && <span className="muted"> …</span>}
                <span className="muted"> · {formatTime(stream.retained.ts)}</span>
                {stream.retained.qos !== undefined && <span className="muted"> · QoS {stream.retained.qos}</span>}
              </>
            )}
          </dd>
        </dl>
      )}
      {stream !== null && (
        <div className="detail-actions">
          {stream.retained !== null && (
            <ConfirmButton
              label="Clear retained"
              question="Devices that subscribe later get nothing until a new retained message."
              danger
              onConfirm={clear('clearRetained')}
            />
          )}
          {stream.size > 0 && (
            <ConfirmButton
              label="Clear history"
              question="Devices coming back are told what they missed is gone (recovered: false)."
              danger
              onConfirm={clear('clearHistory')}
            />
          )}
        </div>
      )}
      {stream !== null && <h3>{`Last ${historyShown} messages, newest first`}</h3>}
      {stream === null ? null : history === null ? (
        <p className="muted">Loading…</p>
      ) : 'error' in history ? (
        <p className="muted">{history.error}</p>
      ) : history.messages.length === 0 ? (
        <p className="muted">The history is empty.</p>
      ) : (
        <ol className="history-list" data-testid="history-list">
          {history.messages.toReversed().map((item) => (
            <HistoryEntry key={item.offset} item={item} />
          ))}
        </ol>
      )}
    </DetailPanel>
  );
}

function HistoryEntry({ item }: { item: HistoryItem }) {
  const binary = item.encoding === 'base64';
  const body = binary ? { text: hexDump(item.message, 256), json: false } : prettyBody(item.message.slice(0, 4096));
  return (
    <li data-testid="history-item">
      <div className="history-head">
        <code>#{item.offset}</code>
        <span className="muted">{formatTime(item.ts)}</span>
        <span className="muted">{item.user_id === undefined ? 'everyone' : `user ${item.user_id}`}</span>
        {binary && <span className="chip">binary · hex</span>}
        {item.retain === true && <span className="chip">retained</span>}
        {item.qos !== undefined && <span className="chip">QoS {item.qos}</span>}
      </div>
      <pre className={`message-body history-body${binary ? ' is-hex' : ''}`} tabIndex={0}>
        {body.text}
      </pre>
    </li>
  );
}

/** The topic's last messages, asked again whenever its stream moves. */
function useHistory(
  topic: string,
  lastOffset: number | null,
  size: number,
): HistoryResponse | { error: string } | null {
  const [state, setState] = useState<{ key: string; value: HistoryResponse | { error: string } } | null>(null);
  const key = `${topic} ${String(lastOffset)} ${size}`;
  useEffect(() => {
    let current = true;
    const since = Math.max(0, (lastOffset ?? 0) - historyShown);
    void useStore
      .getState()
      .call('getHistory', { topic, since, limit: historyShown })
      .then((result) => {
        if (current) setState({ key, value: result.ok ? result.value : { error: result.error.message } });
      });
    return () => {
      current = false;
    };
  }, [topic, key, lastOffset]);
  return state?.key === key ? state.value : (state?.value ?? null);
}
