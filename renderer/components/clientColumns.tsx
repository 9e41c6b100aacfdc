import type { ClientInfo } from '../../shared/hub';
import { formatBytes, formatCount, formatTime, shortId } from '../format';
import { ClientHub } from './ClientHub';
import { TopicList } from './TopicList';
import { UnregisterButton } from './UnregisterButton';
import type { Column } from './VirtualTable';

/** Columns of the clients table; ids match the store's sort keys. */
export const clientColumns: readonly Column<ClientInfo>[] = [
  {
    id: 'id',
    header: 'Client',
    width: '88px',
    sortable: true,
    render: (c) => <code title={c.id}>{shortId(c.id)}</code>,
  },
  { id: 'userId', header: 'User', width: '80px', sortable: true, render: (c) => c.userId },
  {
    id: 'topics',
    header: 'Topics',
    width: 'minmax(140px, 1fr)',
    sortable: true,
    render: (c) => <TopicList topics={c.topics} />,
  },
  {
    id: 'connected',
    header: 'Status',
    width: '112px',
    sortable: true,
    render: (c) => (
      <>
        <span className={`status-dot ${c.connected ? 'is-on' : 'is-off'}`}>
          {c.connected ? 'Connected' : 'Waiting'}
        </span>
        <ClientHub hub={c.hub} />
      </>
    ),
  },
  { id: 'remoteAddress', header: 'Address', width: '132px', sortable: true, render: (c) => c.remoteAddress ?? '—' },
  { id: 'connectedSince', header: 'Since', width: '92px', sortable: true, render: (c) => formatTime(c.connectedSince) },
  {
    id: 'messagesSent',
    header: 'Sent',
    width: '72px',
    align: 'end',
    sortable: true,
    render: (c) => formatCount(c.messagesSent),
  },
  {
    id: 'published',
    header: 'Published',
    width: '92px',
    align: 'end',
    sortable: true,
    render: (c) => formatCount(c.published),
  },
  {
    id: 'bufferedBytes',
    header: 'Buffered',
    width: '100px',
    align: 'end',
    sortable: true,
    render: (c) => formatBytes(c.bufferedBytes),
  },
  {
    id: 'actions',
    header: '',
    width: '116px',
    align: 'end',
    render: (c) => <UnregisterButton id={c.id} label={`Unregister client ${shortId(c.id)} of user ${c.userId}`} />,
  },
];
