import type { ClientInfo } from '../../shared/hub';
import { formatBytes, formatCount, formatSeen, formatTime, shortId } from '../format';
import { useStore } from '../store';
import { ClientHub } from './ClientHub';
import { TopicList } from './TopicList';
import { UnregisterButton } from './UnregisterButton';
import type { Column } from './VirtualTable';

/** Columns of the clients table; ids match the store's sort keys. */
export const clientColumns: readonly Column<ClientInfo>[] = [
  {
    id: 'id',
    header: 'Client',
    width: 'minmax(170px, 1.4fr)',
    sortable: true,
    render: (c) => (
      <span className="client-cell">
        <button
          type="button"
          className="link-btn"
          title={c.id}
          aria-label={`Details of client ${shortId(c.id)}`}
          onClick={() => useStore.getState().openClientDetail(c.id)}
        >
          <code>{shortId(c.id)}</code>
        </button>
        {c.name !== null && (
          <span className="client-name" title={c.name} data-testid="client-name">
            {c.name}
          </span>
        )}
      </span>
    ),
  },
  { id: 'userId', header: 'User', width: '56px', sortable: true, render: (c) => c.userId ?? '—' },
  {
    id: 'protocol',
    header: 'Protocol',
    width: '76px',
    // Tutorial devices carry no protocol: `ws`.
    render: (c) => (
      <span className={`protocol protocol-${c.protocol ?? 'ws'}`} data-testid="client-protocol">
        {c.protocol ?? 'ws'}
      </span>
    ),
  },
  {
    id: 'topics',
    header: 'Topics',
    width: 'minmax(110px, 1fr)',
    sortable: true,
    render: (c) => <TopicList topics={c.filters === undefined ? c.topics : [...c.topics, ...c.filters]} />,
  },
  {
    id: 'connected',
    header: 'Status',
    width: '136px',
    sortable: true,
    render: (c) => (
      <>
        <span
          className={`status-dot ${c.connected ? 'is-on' : c.everConnected ? 'is-off' : 'is-never'}`}
          title={c.connected ? undefined : `Last seen ${formatTime(c.lastSeen)}`}
        >
          {formatSeen(c)}
        </span>
        <ClientHub hub={c.hub} />
      </>
    ),
  },
  { id: 'remoteAddress', header: 'Address', width: '112px', sortable: true, render: (c) => c.remoteAddress ?? '—' },
  { id: 'connectedSince', header: 'Since', width: '92px', sortable: true, render: (c) => formatTime(c.connectedSince) },
  {
    id: 'messagesSent',
    header: 'Sent',
    width: '64px',
    align: 'end',
    sortable: true,
    render: (c) => formatCount(c.messagesSent),
  },
  {
    id: 'published',
    header: 'Published',
    width: '96px',
    align: 'end',
    sortable: true,
    render: (c) => formatCount(c.published),
  },
  {
    id: 'bufferedBytes',
    header: 'Buffered',
    width: '92px',
    align: 'end',
    sortable: true,
    render: (c) => formatBytes(c.bufferedBytes),
  },
  {
    id: 'actions',
    header: '',
    width: '112px',
    align: 'end',
    render: (c) => (
      <UnregisterButton id={c.id} label={`Unregister client ${shortId(c.id)} of user ${c.userId ?? 'none'}`} />
    ),
  },
];
