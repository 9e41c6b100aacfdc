import { formatCount, registerCommand, shownOf } from '../format';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import type { ClientSortKey, ConnectionFilter } from '../store/types';
import { EmptyState } from './EmptyState';
import { FilterBox } from './FilterBox';
import { ClientDetail } from './ClientDetail';
import { clientColumns } from './clientColumns';
import { RemoveStale } from './RemoveStale';
import { VirtualTable } from './VirtualTable';

// With a client's panel open, the panel shows its address, times and counters: the table keeps
// what fits beside it, so its Unregister column stays in view instead of scrolling off.
const narrowClientColumns = clientColumns.filter(
  (c) => !['remoteAddress', 'connectedSince', 'messagesSent', 'published', 'bufferedBytes'].includes(c.id),
);

/** The clients table: every registration, filterable, sortable, virtualised. */
export function ClientsView() {
  const rows = useStore(hubSelectors.visibleClients);
  const total = useStore((s) => s.clients.size);
  const loading = useStore((s) => s.clientsLoading);
  const countersVersion = useStore((s) => s.countersVersion);
  const filter = useStore((s) => s.clientFilter);
  const connection = useStore((s) => s.connectionFilter);
  const sort = useStore((s) => s.clientSort);
  const { setClientFilter, setConnectionFilter, sortClientsBy, setView, openClientDetail, openKeyDialog } =
    useStore.getState();
  const baseUrl = useStore(hubSelectors.primaryUrl);
  const detail = useStore((s) => s.detailClientId);

  if (total === 0) {
    return (
      <EmptyState
        title="No devices registered yet"
        command={baseUrl === null ? null : registerCommand(baseUrl)}
        next={
          <p>
            Then open a WebSocket to that <code>url</code> and send <code>{'{"topics": ["cats"]}'}</code> to subscribe.
          </p>
        }
        action={
          <>
            <button type="button" className="btn btn-primary" onClick={() => openKeyDialog('device')}>
              Add a device…
            </button>
            <button type="button" className="btn" onClick={() => setView('send')}>
              Register one from here
            </button>
          </>
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
    <section className="view view-with-detail" aria-label="Clients">
      <div className="toolbar">
        <FilterBox
          label="Filter clients by id, name, user, topic or address; user:7 and topic:cats match exactly"
          placeholder="Filter: id, name, topic… or user:7"
          value={filter}
          onChange={setClientFilter}
          testId="client-filter"
        />
        <label className="field-inline">
          <span className="visually-hidden">Connection state</span>
          <select value={connection} onChange={(e) => setConnectionFilter(e.target.value as ConnectionFilter)}>
            <option value="all">All clients</option>
            <option value="connected">Connected only</option>
            <option value="disconnected">Disconnected only</option>
          </select>
        </label>
        <span className="toolbar-count" data-testid="client-count" aria-live="polite">
          {loading === null
            ? shownOf(rows.length, total, 'client')
            : `Loading clients… ${formatCount(loading.received)} of ${formatCount(loading.total)}`}
        </span>
      </div>
      <div className="toolbar toolbar-secondary">
        <button type="button" className="btn btn-small" onClick={() => openKeyDialog('device')}>
          Add a device…
        </button>
        <span className="toolbar-end">
          <RemoveStale />
        </span>
      </div>
      <div className="split">
        {rows.length === 0 ? (
          <EmptyState
            title="No clients match this filter"
            action={
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setClientFilter('');
                  setConnectionFilter('all');
                }}
              >
                Clear filter
              </button>
            }
          />
        ) : (
          <VirtualTable
            label="Clients"
            columns={detail === null ? clientColumns : narrowClientColumns}
            rows={rows}
            rowKey={(c) => c.id}
            rowTestId="client-row"
            sort={{
              column: sort.key,
              direction: sort.direction,
              onSort: (column) => sortClientsBy(column as ClientSortKey),
            }}
            onRowClick={(c) => openClientDetail(c.id)}
            selectedKey={detail}
            version={countersVersion}
          />
        )}
        {detail !== null && <ClientDetail id={detail} />}
      </div>
    </section>
  );
}
