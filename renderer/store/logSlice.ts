import type { LogEntry } from '../../shared/ipc';
import type { LogSlice, Slice } from './types';

/** Most lines the live log keeps (older ones fall off). */
export const logLimit = 1000;

const keepLast = (entries: LogEntry[]): LogEntry[] =>
  entries.length > logLimit ? entries.slice(entries.length - logLimit) : entries;

/** The live log. */
export const createLogSlice: Slice<LogSlice> = (set, get) => ({
  log: [],
  held: [],
  logPaused: false,
  logFilter: '',
  lastSeq: -1,
  appendLog(entries) {
    const { lastSeq, logPaused, log, held } = get();
    // The init snapshot and the first pushes may overlap: keep each seq once.
    const fresh = entries.filter((entry) => entry.seq > lastSeq);
    const last = fresh.at(-1);
    if (last === undefined) return;
    if (logPaused) set({ held: keepLast([...held, ...fresh]), lastSeq: last.seq });
    else set({ log: keepLast([...log, ...fresh]), lastSeq: last.seq });
  },
  resetLog(entries) {
    set({ log: keepLast([...entries]), held: [], lastSeq: entries.at(-1)?.seq ?? -1 });
  },
  setLogPaused(paused) {
    const { log, held } = get();
    if (paused) set({ logPaused: true });
    else set({ logPaused: false, log: keepLast([...log, ...held]), held: [] });
  },
  setLogFilter(filter) {
    set({ logFilter: filter });
  },
  clearLog() {
    set({ log: [], held: [] });
  },
});
