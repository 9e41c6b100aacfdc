import type { DeviceKeyListing } from '../../shared/keys';
import { formatCount, formatMinute } from '../format';
import { useStore } from '../store';
import { keyState } from './keyForm';
import { TopicList } from './TopicList';
import type { Column } from './VirtualTable';

const stateLabel = { active: 'Active', revoked: 'Revoked', expired: 'Expired' } as const;

/** Columns of the keys list. */
export const keyColumns: readonly Column<DeviceKeyListing>[] = [
  {
    id: 'name',
    header: 'Key',
    width: 'minmax(200px, 1.2fr)',
    render: (k) => (
      <span className="client-cell" title={`${k.name} (${k.id})`}>
        <code>{k.id}</code>
        <span className="client-name">{k.name}</span>
      </span>
    ),
  },
  { id: 'users', header: 'Users', width: '64px', render: (k) => k.users.join(', ') },
  {
    id: 'subscribe',
    header: 'Subscribe',
    width: 'minmax(120px, 1fr)',
    render: (k) => <TopicList topics={k.subscribe} />,
  },
  { id: 'publish', header: 'Publish', width: 'minmax(110px, 1fr)', render: (k) => <TopicList topics={k.publish} /> },
  { id: 'created', header: 'Created', width: '112px', render: (k) => formatMinute(k.createdAt) },
  {
    id: 'lastUsed',
    header: 'Last used',
    width: '112px',
    render: (k) => (k.lastUsedAt === null ? <span className="muted">never</span> : formatMinute(k.lastUsedAt)),
  },
  {
    id: 'expires',
    header: 'Expires',
    width: '112px',
    render: (k) => (k.expiresAt === null ? <span className="muted">never</span> : formatMinute(k.expiresAt)),
  },
  { id: 'devices', header: 'Devices', width: '72px', align: 'end', render: (k) => formatCount(k.registrations) },
  {
    id: 'state',
    header: 'State',
    width: '76px',
    render: (k) => {
      const state = keyState(k);
      return <span className={`key-state key-${state}`}>{stateLabel[state]}</span>;
    },
  },
  {
    id: 'actions',
    header: '',
    width: '96px',
    align: 'end',
    render: (k) =>
      keyState(k) === 'active' ? (
        <button
          type="button"
          className="btn btn-small btn-danger"
          aria-label={`Revoke key ${k.name} (${k.id})`}
          onClick={() => useStore.getState().askRevoke(k.id)}
        >
          Revoke…
        </button>
      ) : null,
  },
];
