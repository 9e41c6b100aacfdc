import type { ClientInfo } from '../../shared/hub';
import type { HubUpdate, LogEntry } from '../../shared/ipc';
import { emptyStats } from './hubSlice';

/** A client with sensible defaults, for store and component tests. */
export function client(id: string, overrides: Partial<ClientInfo> = {}): ClientInfo {
  return {
    id: id.padEnd(32, '0'),
    userId: 1,
    topics: [],
    connected: true,
    remoteAddress: '127.0.0.1',
    connectedSince: 1_000,
    registeredAt: 1_000,
    messagesSent: 0,
    bytesSent: 0,
    bufferedBytes: 0,
    dropped: 0,
    ...overrides,
  };
}

/** A log line with sequence number `seq`. */
export function logEntry(seq: number, text = `line ${seq}`): LogEntry {
  return { seq, at: 1_000 + seq, kind: 'published', text };
}

/** A push with nothing in it but what `overrides` adds. */
export function update(overrides: Partial<HubUpdate> = {}): HubUpdate {
  return {
    status: {
      state: 'running',
      listen: { host: '127.0.0.1', port: 8000, urls: ['http://127.0.0.1:8000'] },
      error: null,
    },
    stats: emptyStats,
    deliveredPerSecond: 0,
    users: [],
    topics: [],
    log: [],
    ...overrides,
  };
}
