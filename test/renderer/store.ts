import type { ClientInfo } from '../../shared/hub';
import type { HubConfig, HubInit, HubSettings, HubUpdate, LogEntry, RelaySettings } from '../../shared/ipc';
import { guiOptionNames, optionDefaults } from '../../shared/options';
import { emptyStats } from '../../renderer/store/hubSlice';
import { emptySeries } from '../../renderer/store/seriesSlice';

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
    published: 0,
    name: null,
    keyId: null,
    lastSeen: 1_000,
    everConnected: true,
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
    security: { tokenRequired: false, originsRestricted: false, tls: false },
    stats: emptyStats,
    deliveredPerSecond: 0,
    log: [],
    ...overrides,
  };
}

/** Settings as a fresh hub has them (the options table's defaults), with `overrides`. */
export function hubSettings(overrides: Partial<HubSettings> = {}): HubSettings {
  const defaults = Object.fromEntries(guiOptionNames.map((name) => [name, optionDefaults[name]])) as RelaySettings;
  return { ...defaults, quitOnClose: false, checkForUpdates: false, ...overrides };
}

/** A config: the desktop app's (saved) unless `persisted` is false. */
export function hubConfig(overrides: Partial<HubSettings> = {}, persisted = true): HubConfig {
  return {
    settings: hubSettings(overrides),
    persisted,
    dataDir: persisted ? '/home/op/.config/Relay Hub' : null,
    tokenFile: null,
    savedPayloads: [],
  };
}

/** A getInit answer with nothing in it but what `overrides` adds. */
export function hubInit(overrides: Partial<HubInit> = {}): HubInit {
  const { status, stats, security } = update();
  return {
    status,
    clients: [],
    users: [],
    topics: [],
    stats,
    config: hubConfig(),
    security,
    dashboard: null,
    log: [],
    series: emptySeries,
    ...overrides,
  };
}
