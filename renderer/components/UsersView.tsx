import { formatCount, plural, shownOf } from '../format';
import { useStore } from '../store';
import { hubSelectors, type UserRow } from '../store/selectors';
import { EmptyState } from './EmptyState';
import { FilterBox } from './FilterBox';
import { TopicList } from './TopicList';
import { UnregisterButton } from './UnregisterButton';
import { type Column, VirtualTable } from './VirtualTable';

const columns: readonly Column<UserRow>[] = [
  {
    id: 'user',
    header: 'User',
    width: '96px',
    render: (u) => (
      <button
        type="button"
        className="link-btn"
        title={`Show the clients of user ${u.userId}`}
        onClick={() => useStore.getState().showClients(`user:${u.userId}`)}
      >
        {u.userId}
      </button>
    ),
  },
  { id: 'clients', header: 'Clients', width: '96px', align: 'end', render: (u) => formatCount(u.clients) },
  {
    id: 'connected',
    header: 'Connected',
    width: '112px',
    align: 'end',
    render: (u) => (
      <span className={`status-dot ${u.connected > 0 ? 'is-on' : 'is-off'}`}>{formatCount(u.connected)}</span>
    ),
  },
  {
    id: 'topics',
    header: 'Topics (all clients)',
    width: 'minmax(160px, 1fr)',
    render: (u) => <TopicList topics={u.topics} />,
  },
  {
    id: 'actions',
    header: '',
    width: '132px',
    align: 'end',
    render: (u) => (
      <UnregisterButton userId={u.userId} label={`Unregister all ${plural(u.clients, 'client')} of user ${u.userId}`} />
    ),
  },
];

/** Users: each with its clients, the union of their topics, and "unregister all". */
export function UsersView() {
  const rows = useStore(hubSelectors.userRows);
  const total = useStore((s) => s.users.length);
  const filter = useStore((s) => s.userFilter);
  const { setView, setUserFilter } = useStore.getState();
  if (total === 0) {
    return (
      <EmptyState
        title="No users yet"
        action={
          <button type="button" className="btn" onClick={() => setView('send')}>
            Register a device
          </button>
        }
      >
        <p>
          A user appears when a device registers with its <code>user_id</code>. One user may have many devices.
        </p>
      </EmptyState>
    );
  }
  return (
    <section className="view" aria-label="Users">
      <div className="toolbar">
        <FilterBox
          label="Filter users"
          placeholder="Filter: user id or topic"
          value={filter}
          onChange={setUserFilter}
          testId="user-filter"
        />
        <span className="toolbar-count">{shownOf(rows.length, total, 'user')}</span>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No users match this filter" />
      ) : (
        <VirtualTable
          label="Users"
          columns={columns}
          rows={rows}
          rowKey={(u) => String(u.userId)}
          rowTestId="user-row"
        />
      )}
    </section>
  );
}
