import type { HubStats, TopicInfo, UserInfo } from '../../shared/hub';
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
    get().setClients(init.clients, init.clientPages);
    get().resetLog(init.log);
    get().setSeries(init.series);
  },
  applyUsers(users, removed) {
    set({ users: merged(get().users, users, removed, (u) => u.userId, byUserId) });
  },
  applyConfig(config) {
    set({ config });
  },
  applyUpdate(update) {
    const state = get();
    // A hub locked, then opened again: the dismissed banner comes back.
    if (state.security.tokenRequired && !update.security.tokenRequired) set({ openBannerDismissed: false });
    set({
      status: update.status,
      security: update.security,
      ...(update.config === undefined ? {} : { config: update.config }),
      stats: update.stats,
      deliveredPerSecond: update.deliveredPerSecond,
      cluster: update.cluster ?? null,
    });
    if (update.users !== undefined || update.usersRemoved !== undefined) {
      state.applyUsers(update.users ?? [], update.usersRemoved);
    }
    if (update.topics !== undefined || update.topicsRemoved !== undefined) {
      set({ topics: merged(state.topics, update.topics, update.topicsRemoved, (t) => t.topic, byTopic) });
    }
    if (update.clientPage !== undefined) state.applyClientPage(update.clientPage);
    if (update.upserts !== undefined || update.removed !== undefined) {
      state.applyClientDelta(update.upserts ?? [], update.removed ?? []);
    }
    if (update.counters !== undefined) state.applyCounters(update.counters);
    if (update.log.length > 0) state.appendLog(update.log);
    if (update.series !== undefined) state.appendSeries(update.series);
    if (update.messages !== undefined) state.appendMessages(update.messages);
    if (update.topicLive !== undefined) state.applyTopicLive(update.topicLive);
    if (update.topicPage !== undefined) state.applyTopicPage(update.topicPage);
  },
});

const byUserId = (a: UserInfo, b: UserInfo): number => a.userId - b.userId;
const byTopic = (a: TopicInfo, b: TopicInfo): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);

/** A list with `upserts` replacing or adding entries and `removed` keys dropped, in a stable order. */
function merged<T, K>(
  list: readonly T[],
  upserts: readonly T[] = [],
  removed: readonly K[] = [],
  key: (item: T) => K,
  order: (a: T, b: T) => number,
): T[] {
  const byKey = new Map(list.map((item) => [key(item), item]));
  for (const item of upserts) byKey.set(key(item), item);
  for (const gone of removed) byKey.delete(gone);
  return [...byKey.values()].sort(order);
}
