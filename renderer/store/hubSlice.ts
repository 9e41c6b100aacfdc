import type { HubStats } from '../../shared/hub';
import type { HubSecurity, HubStatus } from '../../shared/ipc';
import type { HubSlice, Slice } from './types';

/** Counters before the hub has answered. */
export const emptyStats: HubStats = {
  registered: 0,
  connected: 0,
  users: 0,
  topics: 0,
  published: 0,
  delivered: 0,
  droppedMessages: 0,
  slowConsumerCloses: 0,
  heartbeatTerminations: 0,
};

/** Until the hub says otherwise, assume nothing is locked (the banner waits for `loaded`). */
const unknownSecurity: HubSecurity = { tokenRequired: false, originsRestricted: false, tls: false };

const startingStatus: HubStatus = { state: 'starting', listen: null, error: null };

/** Hub status, counters, users and topics. */
export const createHubSlice: Slice<HubSlice> = (set, get) => ({
  status: startingStatus,
  stats: emptyStats,
  deliveredPerSecond: 0,
  users: [],
  topics: [],
  config: null,
  security: unknownSecurity,
  dashboard: null,
  cluster: null,
  loaded: false,
  applyInit(init) {
    set({
      status: init.status,
      stats: init.stats,
      users: init.users,
      topics: init.topics,
      config: init.config,
      security: init.security,
      dashboard: init.dashboard,
      cluster: init.cluster ?? null,
      loaded: true,
    });
    get().setClients(init.clients);
    get().resetLog(init.log);
  },
  applyConfig(config) {
    set({ config });
  },
  applyUpdate(update) {
    // A hub locked, then opened again: the dismissed banner comes back.
    if (get().security.tokenRequired && !update.security.tokenRequired) set({ openBannerDismissed: false });
    set({
      status: update.status,
      security: update.security,
      ...(update.config === undefined ? {} : { config: update.config }),
      stats: update.stats,
      deliveredPerSecond: update.deliveredPerSecond,
      users: update.users,
      topics: update.topics,
      cluster: update.cluster ?? null,
    });
    if (update.clients !== undefined) get().setClients(update.clients);
    if (update.upserts !== undefined || update.removed !== undefined) {
      get().applyClientDelta(update.upserts ?? [], update.removed ?? []);
    }
    if (update.log.length > 0) get().appendLog(update.log);
  },
});
