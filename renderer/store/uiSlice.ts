import type { Slice, UiSlice } from './types';

/** Operator choices: current view, filters, sort order. */
export const createUiSlice: Slice<UiSlice> = (set, get) => ({
  view: 'clients',
  clientFilter: '',
  connectionFilter: 'all',
  clientSort: { key: 'connectedSince', direction: 'desc' },
  publishTopic: '',
  userFilter: '',
  topicFilter: '',
  lastRegistration: null,
  detailClientId: null,
  chartRange: '15m',
  openBannerDismissed: false,
  openClientDetail(detailClientId) {
    set({ detailClientId });
  },
  setChartRange(chartRange) {
    set({ chartRange });
  },
  setOpenBannerDismissed(openBannerDismissed) {
    set({ openBannerDismissed });
  },
  setView(view) {
    set({ view });
  },
  setClientFilter(clientFilter) {
    set({ clientFilter });
  },
  setConnectionFilter(connectionFilter) {
    set({ connectionFilter });
  },
  sortClientsBy(key) {
    const current = get().clientSort;
    const direction = current.key === key ? (current.direction === 'asc' ? 'desc' : 'asc') : 'asc';
    set({ clientSort: { key, direction } });
  },
  showClients(filter) {
    set({ clientFilter: filter, connectionFilter: 'all', view: 'clients' });
  },
  publishTo(topic) {
    set({ publishTopic: topic, view: 'send' });
  },
  setUserFilter(userFilter) {
    set({ userFilter });
  },
  setTopicFilter(topicFilter) {
    set({ topicFilter });
  },
  setLastRegistration(lastRegistration) {
    set({ lastRegistration });
  },
});
