import type { ClientInfo } from '../../shared/hub';
import type { ClientsSlice, Slice } from './types';

/** Registrations keyed by id. */
export const createClientsSlice: Slice<ClientsSlice> = (set, get) => ({
  clients: new Map(),
  setClients(list) {
    set({ clients: new Map(list.map((client) => [client.id, client])) });
  },
  applyClientDelta(upserts, removed) {
    if (upserts.length === 0 && removed.length === 0) return;
    const clients = new Map<string, ClientInfo>(get().clients);
    for (const client of upserts) clients.set(client.id, client);
    for (const id of removed) clients.delete(id);
    set({ clients });
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
