import type { HubStats } from '../../shared/hub';
import type { HubStatus } from '../../shared/ipc';
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

const startingStatus: HubStatus = { state: 'starting', listen: null, error: null };

/** Hub status, counters, users and topics. */
export const createHubSlice: Slice<HubSlice> = (set, get) => ({
  status: startingStatus,
  stats: emptyStats,
  deliveredPerSecond: 0,
  users: [],
  topics: [],
  settings: null,
  dashboard: null,
  loaded: false,
  applyInit(init) {
    set({
      status: init.status,
      stats: init.stats,
      users: init.users,
      topics: init.topics,
      settings: init.settings,
      dashboard: init.dashboard,
      loaded: true,
    });
    get().setClients(init.clients);
    get().resetLog(init.log);
  },
  applySettings(settings) {
    set({ settings });
  },
  applyUpdate(update) {
    set({
      status: update.status,
      stats: update.stats,
      deliveredPerSecond: update.deliveredPerSecond,
      users: update.users,
      topics: update.topics,
    });
    if (update.clients !== undefined) get().setClients(update.clients);
    if (update.upserts !== undefined || update.removed !== undefined) {
      get().applyClientDelta(update.upserts ?? [], update.removed ?? []);
    }
    if (update.log.length > 0) get().appendLog(update.log);
  },
});
