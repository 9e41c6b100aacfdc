import type { ClientInfo } from '../../shared/hub';
import type { ClientCounters } from '../../shared/traffic';
import { askNextPage } from './pages';
import type { ClientsSlice, Slice, Store } from './types';

// Shapes are numbered across stores (tests reset the store): a number never comes back.
let shapes = 0;

/** Asks for the next page of client snapshot `id` (see pages.ts). */
function askNextClientPage(get: () => Store, id: number): void {
  askNextPage(
    () => get().clientsLoading?.id === id,
    () => get().call('nextClientPage', { id }),
  );
}

/** Registrations keyed by id. */
export const createClientsSlice: Slice<ClientsSlice> = (set, get) => ({
  clients: new Map(),
  clientsShape: 0,
  clientsDelta: { from: -1, to: -1, changed: new Set() },
  countersVersion: 0,
  clientsLoading: null,
  setClients(list, paging) {
    set({
      clients: new Map(list.map((client) => [client.id, client])),
      clientsShape: ++shapes,
      clientsLoading: paging === undefined ? null : { id: paging.id, received: list.length, total: paging.total },
    });
    if (paging !== undefined) askNextClientPage(get, paging.id);
  },
  applyClientDelta(upserts, removed) {
    if (upserts.length === 0 && removed.length === 0) return;
    const clients = new Map<string, ClientInfo>(get().clients);
    for (const client of upserts) clients.set(client.id, client);
    for (const id of removed) clients.delete(id);
    const from = get().clientsShape;
    const changed = new Set([...upserts.map((client) => client.id), ...removed]);
    const to = ++shapes;
    set({ clients, clientsShape: to, clientsDelta: { from, to, changed } });
  },
  applyClientPage(page) {
    const loading = get().clientsLoading;
    // A page of an earlier answer (the GUI asked again since) is stale.
    if (loading?.id !== page.id) return;
    get().applyClientDelta(page.clients, []);
    if (page.users !== undefined) get().applyUsers(page.users);
    set({ clientsLoading: page.last ? null : { ...loading, received: loading.received + page.clients.length } });
    if (!page.last) askNextClientPage(get, page.id);
  },
  applyCounters(counters) {
    if (counters.length === 0) return;
    // In place: a push names up to every client once a second, and copying 10,000 rows for it
    // was the page's longest task. `countersVersion` tells the readers.
    const { clients } = get();
    let applied = 0;
    for (let i = 0; i < counters.length; i++) {
      // Indexed, not destructured: no iterator per tuple in a loop over up to every client.
      const tuple = counters[i] as ClientCounters;
      const client = clients.get(tuple[0]);
      if (client === undefined) continue;
      client.messagesSent = tuple[1];
      client.bytesSent = tuple[2];
      client.bufferedBytes = tuple[3];
      client.dropped = tuple[4];
      applied += 1;
    }
    if (applied > 0) set({ countersVersion: get().countersVersion + 1 });
  },
});
