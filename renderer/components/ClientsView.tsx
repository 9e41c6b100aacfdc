import type { ClientInfo } from '../../shared/hub';
import { formatBytes, formatCount, formatTime, plural, registerCommand, shortId } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import type { ClientSortKey, ConnectionFilter } from '../store/types';
import { EmptyState } from './EmptyState';
import { TopicList } from './TopicList';
import { UnregisterButton } from './UnregisterButton';
import { type Column, VirtualTable } from './VirtualTable';

const columns: readonly Column<ClientInfo>[] = [
  {
    id: 'id',
    header: 'Client',
    width: '104px',
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
      <span className={`status-dot ${c.connected ? 'is-on' : 'is-off'}`}>{c.connected ? 'Connected' : 'Waiting'}</span>
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
    id: 'bufferedBytes',
    header: 'Buffered',
    width: '84px',
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

/** The clients table: every registration, filterable, sortable, virtualised. */
export function ClientsView() {
  const rows = useStore(hubSelectors.visibleClients);
  const total = useStore((s) => s.clients.size);
  const filter = useStore((s) => s.clientFilter);
  const connection = useStore((s) => s.connectionFilter);
  const sort = useStore((s) => s.clientSort);
  const { setClientFilter, setConnectionFilter, sortClientsBy, setView } = useStore.getState();
  const baseUrl = useStore(hubSelectors.primaryUrl);

  if (total === 0) {
    return (
      <EmptyState
        title="No devices registered yet"
        command={baseUrl === null ? null : registerCommand(baseUrl)}
        action={
          <button type="button" className="btn" onClick={() => setView('send')}>
            Register one from here
          </button>
        }
      >
        <p>
          A device registers over HTTP, then opens a WebSocket to the <code>url</code> it gets back. Run this on any
          machine on your network:
        </p>
      </EmptyState>
    );
  }
  return (
    <section className="view" aria-label="Clients">
      <div className="toolbar">
        <label className="field-inline">
          <span className="visually-hidden">Filter clients</span>
          <input
            type="search"
            data-testid="client-filter"
            placeholder="Filter: id, user, topic, address — or user:7 topic:cats"
            value={filter}
            onChange={(e) => setClientFilter(e.target.value)}
          />
        </label>
        <label className="field-inline">
          <span className="visually-hidden">Connection state</span>
          <select value={connection} onChange={(e) => setConnectionFilter(e.target.value as ConnectionFilter)}>
            <option value="all">All</option>
            <option value="connected">Connected</option>
            <option value="disconnected">Waiting</option>
          </select>
        </label>
        <span className="toolbar-count" data-testid="client-count" aria-live="polite">
          {rows.length === total
            ? plural(total, 'client')
            : `${formatCount(rows.length)} of ${plural(total, 'client')}`}
        </span>
      </div>
      {rows.length === 0 ? (
        <EmptyState
          title="No clients match this filter"
          action={
            <button type="button" className="btn" onClick={() => setClientFilter('')}>
              Clear filter
            </button>
          }
        />
      ) : (
        <VirtualTable
          label="Clients"
          columns={columns}
          rows={rows}
          rowKey={(c) => c.id}
          rowTestId="client-row"
          sort={{
            column: sort.key,
            direction: sort.direction,
            onSort: (column) => sortClientsBy(column as ClientSortKey),
          }}
        />
      )}
    </section>
  );
}
