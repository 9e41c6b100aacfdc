import type { TopicStreamSummary } from '../../shared/ipc';
import type { Slice, StreamsSlice } from './types';

/** Topics' streams: loaded on demand while the Topics view is open. */
export const createStreamsSlice: Slice<StreamsSlice> = (set, get) => ({
  streams: new Map<string, TopicStreamSummary>(),
  historyTopic: null,
  async loadStreams() {
    const result = await get().call('getStreams', null);
    if (result.ok) set({ streams: new Map(result.value.streams.map((s) => [s.topic, s])) });
  },
  openHistory(historyTopic) {
    set({ historyTopic });
  },
});
