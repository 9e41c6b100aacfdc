import { useEffect, useState } from 'react';
import type { ClientDetail as Detail } from '../../shared/traffic';
import { deviceSocketUrl } from '../../shared/urls';
import { formatBytes, formatCount, formatSeen, formatTime } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { CopyButton } from './CopyButton';
import { DetailPanel } from './DetailPanel';
import { MqttDetails } from './MqttDetails';
import { TopicList } from './TopicList';
import { UnregisterButton } from './UnregisterButton';

/** Everything about one registration: live counters from the store, its last disconnects from the hub. */
export function ClientDetail({ id }: { id: string }) {
  const client = useStore((s) => s.clients.get(id));
  useStore((s) => s.countersVersion); // its counters change in place
  const base = useStore(hubSelectors.primaryUrl);
  const close = () => useStore.getState().openClientDetail(null);
  const disconnects = useDisconnects(id, client?.connected, client?.connectedSince);
  if (client === undefined) {
    return (
      <DetailPanel title="Client removed" onClose={close} testId="client-detail">
        <p className="muted">This registration no longer exists.</p>
      </DetailPanel>
    );
  }
  return (
    <DetailPanel title={`Client ${id.slice(0, 8)}`} onClose={close} testId="client-detail">
      {/* First: in view at any window height, however long the lists below. */}
      <div className="detail-actions">
        {base !== null && client.protocol === undefined && (
          <CopyButton text={deviceSocketUrl(base, client.id)} label="Copy URL" />
        )}
        <UnregisterButton
          id={client.id}
          label={`${client.mqtt === undefined ? 'Unregister' : 'Disconnect'} client ${id.slice(0, 8)} of user ${client.userId ?? 'none'}`}
        />
      </div>
      <dl className="detail-list">
        <dt>Id</dt>
        <dd>
          <code className="break">{client.id}</code>
        </dd>
        <dt>Name</dt>
        <dd>{client.name ?? <span className="muted">none</span>}</dd>
        <dt>Protocol</dt>
        <dd data-testid="detail-protocol">{client.protocol ?? 'ws'}</dd>
        <dt>User</dt>
        <dd>{client.userId ?? <span className="muted">none (the access token, or an open hub)</span>}</dd>
        <dt>Device key</dt>
        <dd>
          {client.keyId === null ? (
            <span className="muted">none (the access token, or an open hub)</span>
          ) : (
            <code>{client.keyId}</code>
          )}
        </dd>
        <dt>Topics</dt>
        <dd>
          {client.topics.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <TopicList topics={client.topics} max={Number.POSITIVE_INFINITY} wrap />
          )}
        </dd>
        <dt>Status</dt>
        <dd data-testid="detail-status">{client.connected ? 'Connected' : 'Waiting to connect'}</dd>
        <dt>Address</dt>
        <dd>{client.remoteAddress ?? '—'}</dd>
        <dt>Connected since</dt>
        <dd>{formatTime(client.connectedSince)}</dd>
        <dt>Last seen</dt>
        <dd>{`${formatTime(client.lastSeen)} · ${formatSeen(client)}`}</dd>
        <dt>Registered</dt>
        <dd>{formatTime(client.registeredAt)}</dd>
        <dt>Messages sent</dt>
        <dd data-testid="detail-sent">{formatCount(client.messagesSent)}</dd>
        <dt>Bytes sent</dt>
        <dd>{formatBytes(client.bytesSent)}</dd>
        <dt>Buffered</dt>
        <dd>{formatBytes(client.bufferedBytes)}</dd>
        <dt>Dropped</dt>
        <dd>{formatCount(client.dropped)}</dd>
      </dl>
      {client.mqtt !== undefined && <MqttDetails mqtt={client.mqtt} protocol={client.protocol ?? 'mqtt'} />}
      <h3>Last disconnects</h3>
      {disconnects === null ? (
        <p className="muted">Loading…</p>
      ) : disconnects.length === 0 ? (
        <p className="muted">None since the hub started.</p>
      ) : (
        <ol className="disconnects" data-testid="disconnects">
          {disconnects.map((d, i) => (
            <li key={`${d.at}-${i}`}>
              <span className="muted">{formatTime(d.at)}</span> {d.reason.replaceAll('_', ' ')}{' '}
              <code>code {d.code}</code>
            </li>
          ))}
        </ol>
      )}
    </DetailPanel>
  );
}

/** The client's last disconnects, asked again whenever its connection changes. */
function useDisconnects(id: string, connected?: boolean, since?: number | null): Detail['disconnects'] | null {
  const [state, setState] = useState<{ key: string; value: Detail['disconnects'] } | null>(null);
  const key = `${id} ${String(connected)} ${String(since)}`;
  useEffect(() => {
    let current = true;
    void useStore
      .getState()
      .call('clientDetail', { id })
      .then((result) => {
        if (current && result.ok) setState({ key, value: result.value.disconnects });
      });
    return () => {
      current = false;
    };
  }, [id, key]);
  return state?.value ?? null;
}
