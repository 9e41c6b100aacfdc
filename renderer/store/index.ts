import { create } from 'zustand';
import { createClientsSlice } from './clientsSlice';
import { createConnectionSlice } from './connectionSlice';
import { createHubSlice } from './hubSlice';
import { createKeysSlice } from './keysSlice';
import { createStreamsSlice } from './streamsSlice';
import { createLogSlice } from './logSlice';
import { createMessagesSlice } from './messagesSlice';
import { createSeriesSlice } from './seriesSlice';
import type { Store } from './types';
import { createTreeSlice } from './treeSlice';
import { createUiSlice } from './uiSlice';

export type * from './types';

/** The renderer's one store, built from typed slices. Tests reset it with `useStore.setState(useStore.getInitialState(), true)`. */
export const useStore = create<Store>()((...a) => ({
  ...createHubSlice(...a),
  ...createClientsSlice(...a),
  ...createLogSlice(...a),
  ...createUiSlice(...a),
  ...createConnectionSlice(...a),
  ...createSeriesSlice(...a),
  ...createMessagesSlice(...a),
  ...createKeysSlice(...a),
  ...createStreamsSlice(...a),
  ...createTreeSlice(...a),
}));
