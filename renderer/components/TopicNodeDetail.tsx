import { useMemo } from 'react';
import type { ClientInfo } from '../../shared/hub';
import type { RetainedPreview } from '../../shared/ipc';
import { formatCount, formatRate, formatTime, hexDump, prettyBody, shortId } from '../format';
import { useStore } from '../store';
import { protocolSummary, type TreeNode } from '../topicTree';
import { ConfirmButton } from './ConfirmButton';
import { CopyButton } from './CopyButton';
import { DetailPanel } from './DetailPanel';
import { TopicValues } from './TopicValues';

/** Subscribers listed by name in the panel (the Clients view lists them all). */
const subscribersShown = 20;

/** A last value for reading: pretty JSON, text, or a hex dump of bytes. */
export function valueText(last: RetainedPreview): string {
  const text = last.encoding === 'base64' ? hexDump(last.message, 256) : prettyBody(last.message).text;
  return last.truncated ? `${text}\n…` : text;
}

function subscribersOf(clients: ReadonlyMap<string, ClientInfo>, topic: string): ClientInfo[] {
  const found: ClientInfo[] = [];
  for (const client of clients.values()) if (client.topics.includes(topic)) found.push(client);
  return found;
}

/** A node of the topic tree: its totals, and for a topic its value, history, diff, plot, subscribers and actions. */
export function TopicNodeDetail({ node }: { node: TreeNode }) {
  const topic = node.leaf === null ? null : node.path;
  const live = node.leaf?.live ?? null;
  const clients = useStore((s) => s.clients);
  const subscribers = useMemo(() => (topic === null ? [] : subscribersOf(clients, topic)), [clients, topic]);
  const { call, selectTreeNode, publishTo, showClients } = useStore.getState();
  return (
    <DetailPanel
      title={node.path === '' ? '(empty)' : node.path}
      onClose={() => selectTreeNode(null)}
      testId="topic-detail"
    >
      <dl className="detail-list">
        {topic === null && (
          <>
            <dt>Topics</dt>
            <dd>{formatCount(node.topics)}</dd>
          </>
        )}
        <dt>Messages</dt>
        <dd data-testid="detail-messages">{`${formatCount(node.messages)} · ${formatRate(node.perSecond)}`}</dd>
        <dt>Subscribers</dt>
        <dd>{protocolSummary(node.protocols)}</dd>
        <dt>Retained</dt>
        <dd data-testid="detail-retained">
          {node.retained === 0 ? 'none' : topic === null ? formatCount(node.retained) : 'yes'}
        </dd>
      </dl>
      {topic !== null && (
        <div className="detail-actions">
          <button type="button" className="btn btn-small" onClick={() => publishTo(topic)}>
            Publish…
          </button>
          {/* A preview cut short is no value to copy: each message of the history below has its own Copy. */}
          {live?.last != null && !live.last.truncated && <CopyButton text={live.last.message} label="Copy value" />}
          {live?.retained === true && (
            <ConfirmButton
              label="Delete retained"
              question="Devices that subscribe later get nothing until a new retained message."
              danger
              onConfirm={async () => {
                await call('clearRetained', { topic });
              }}
            />
          )}
        </div>
      )}
      {live?.last != null && (
        <>
          <h3>{`Last value · ${formatTime(live.last.ts)}`}</h3>
          <pre className="message-body history-body no-shrink" tabIndex={0} data-testid="detail-value">
            {valueText(live.last)}
          </pre>
        </>
      )}
      {topic !== null && live !== null && <TopicValues topic={topic} lastOffset={live.messages} />}
      {topic !== null && (
        <>
          <h3>{`Subscribers (${formatCount(subscribers.length)})`}</h3>
          {subscribers.length === 0 ? (
            <p className="muted">Nobody subscribes to this topic now.</p>
          ) : (
            <ul className="subscriber-list" data-testid="detail-subscribers">
              {subscribers.slice(0, subscribersShown).map((client) => (
                <li key={client.id}>
                  <code title={client.id}>{client.name ?? shortId(client.id)}</code>
                  <span className="muted">{` user ${client.userId} · ${client.protocol ?? 'ws'}${client.connected ? '' : ' · offline'}`}</span>
                </li>
              ))}
            </ul>
          )}
          {subscribers.length > 0 && (
            <button type="button" className="btn btn-small" onClick={() => showClients(`topic:${topic}`)}>
              Show in Clients
            </button>
          )}
        </>
      )}
    </DetailPanel>
  );
}
