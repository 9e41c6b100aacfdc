import type { ClientInfo } from '../../shared/hub';
import type { ClientsSlice, Slice } from './types';

// Shapes are numbered across stores (tests reset the store): a number never comes back.
let shapes = 0;

/** Registrations keyed by id. */
export const createClientsSlice: Slice<ClientsSlice> = (set, get) => ({
  clients: new Map(),
  clientsShape: 0,
  clientsDelta: { from: -1, to: -1, changed: new Set() },
  setClients(list) {
    set({ clients: new Map(list.map((client) => [client.id, client])), clientsShape: ++shapes });
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
  applyCounters(counters) {
    if (counters.length === 0) return;
    const clients = new Map<string, ClientInfo>(get().clients);
    for (const [id, messagesSent, bytesSent, bufferedBytes, dropped] of counters) {
      const client = clients.get(id);
      if (client !== undefined) clients.set(id, { ...client, messagesSent, bytesSent, bufferedBytes, dropped });
    }
    set({ clients });
  },
});
