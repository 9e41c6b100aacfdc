import { bodyValue } from '../../shared/traffic';
import { formatBytes, formatCount, formatTime, hexDump, originLabel, prettyBody } from '../format';
import { useStore } from '../store';
import { CopyButton } from './CopyButton';
import { DetailPanel } from './DetailPanel';

/** One message in full: where it went, who sent it, and its body (JSON pretty-printed). */
export function MessageDetail({ messageKey }: { messageKey: number }) {
  const message = useStore(
    (s) => s.messages.find((m) => m.key === messageKey) ?? s.heldMessages.find((m) => m.key === messageKey),
  );
  const selectMessage = useStore((s) => s.selectMessage);
  if (message === undefined) return null;
  const binary = 'base64' in message.body;
  const body =
    'base64' in message.body ? { json: false, text: hexDump(message.body.base64) } : prettyBody(message.body.text);
  return (
    <DetailPanel title={`Message to ${message.topic}`} onClose={() => selectMessage(null)} testId="message-detail">
      <dl className="detail-list">
        <dt>Topic</dt>
        <dd>
          {message.topic}{' '}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => useStore.getState().revealTopic(message.topic)}
          >
            Show in topic tree
          </button>
        </dd>
        <dt>For</dt>
        <dd>{message.userId === null ? 'every subscriber' : `user ${message.userId}`}</dd>
        <dt>From</dt>
        <dd>{originLabel[message.origin]}</dd>
        <dt>Time</dt>
        <dd>{formatTime(message.at)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(message.bytes)}</dd>
        <dt>Delivered</dt>
        <dd>{`to ${formatCount(message.delivered)} ${message.delivered === 1 ? 'connection' : 'connections'}`}</dd>
      </dl>
      <div className="detail-body-head">
        <h3>{binary ? 'Body (binary, hex)' : body.json ? 'Body (JSON)' : 'Body'}</h3>
        <CopyButton text={bodyValue(message.body)} label={binary ? 'Copy as base64' : 'Copy body'} />
      </div>
      <pre className={`message-body${binary ? ' is-hex' : ''}`} data-testid="message-body" tabIndex={0}>
        {body.text}
      </pre>
      {message.truncated && (
        <p className="muted">Only the first 16 KiB are shown: the message is {formatBytes(message.bytes)}.</p>
      )}
    </DetailPanel>
  );
}
