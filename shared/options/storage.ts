/** TLS, what the hub keeps on disk and for how long, expiry, logging and shutdown (rows of the options table: see `shared/options.ts`). */
import { MiB, logLevels, type OptionRow } from './kinds';

// Stryker disable all: the table is data (help, labels, hints); test/docs.test.ts checks it against docs/configuration.md.
export const storageOptions = {
  tlsCertFile: {
    kind: { type: 'path' },
    default: null,
    flag: 'tls-cert',
    env: 'RELAY_HUB_TLS_CERT',
    help: 'PEM certificate: serve https and wss (with --tls-key); re-read on SIGHUP',
    gui: {
      section: 'tls',
      label: 'Certificate file (PEM)',
      hint: 'Path on this computer, e.g. /etc/relay-hub/cert.pem',
    },
  },
  tlsKeyFile: {
    kind: { type: 'path' },
    default: null,
    flag: 'tls-key',
    env: 'RELAY_HUB_TLS_KEY',
    help: 'PEM private key of --tls-cert',
    gui: { section: 'tls', label: 'Private key file (PEM)', hint: 'Path of the matching private key' },
  },
  dataDir: {
    kind: { type: 'path' },
    default: null,
    flag: 'data-dir',
    env: 'RELAY_HUB_DATA_DIR',
    help: 'where registrations, history and retained messages are kept (library default: in memory only)',
    cliDefault: '~/.local/state/relay-hub',
  },
  historySize: {
    kind: { type: 'integer', min: 0 },
    default: 100,
    flag: 'history-size',
    env: 'RELAY_HUB_HISTORY_SIZE',
    help: 'messages kept per topic for devices that reconnect (0 = no history: recovery then always says not recovered)',
    gui: {
      section: 'storage',
      label: 'History per topic',
      hint: 'Messages kept per topic, so a device that reconnects gets what it missed. 0: no history',
    },
  },
  historyTtlMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 86_400_000,
    flag: 'history-ttl-ms',
    env: 'RELAY_HUB_HISTORY_TTL_MS',
    help: 'oldest message kept in the history (0 = no age limit)',
    gui: {
      section: 'storage',
      label: 'History age limit',
      hint: 'How long a message stays in the history (1 h, 7 d). 0: no limit',
    },
  },
  historyMaxBytes: {
    kind: { type: 'integer', min: 0, unit: 'bytes' },
    default: 64 * MiB,
    flag: 'history-max-bytes',
    env: 'RELAY_HUB_HISTORY_MAX_BYTES',
    help: 'bytes of history kept across every topic, oldest evicted first (0 = no limit)',
    gui: { section: 'storage', label: 'History budget', hint: 'Bytes of history across every topic. 0: no limit' },
  },
  fsync: {
    kind: { type: 'flag' },
    default: false,
    flag: 'fsync',
    env: 'RELAY_HUB_FSYNC',
    help: 'fsync acknowledged registration changes and publishes (one per event-loop turn): survives power loss',
  },
  expireUnconnectedMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 900_000,
    flag: 'expire-unconnected-ms',
    env: 'RELAY_HUB_EXPIRE_UNCONNECTED_MS',
    help: 'remove registrations no socket ever opened on after this long (0 = never)',
    gui: {
      section: 'storage',
      label: 'Expire never-connected registrations after',
      hint: 'A device that registers and never connects is removed after this long (15 min by default). 0: never',
    },
  },
  expireIdleMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 604_800_000,
    flag: 'expire-idle-ms',
    env: 'RELAY_HUB_EXPIRE_IDLE_MS',
    help: 'remove registrations that have not been connected for this long (0 = never)',
    gui: {
      section: 'storage',
      label: 'Expire idle registrations after',
      hint: 'A registration unconnected this long is removed (7 days by default). 0: never',
    },
  },
  logLevel: {
    kind: { type: 'choice', values: logLevels },
    default: 'silent',
    flag: 'log-level',
    env: 'RELAY_HUB_LOG_LEVEL',
    help: 'JSON log lines on stderr: trace, debug, info, warn, error, fatal, silent',
    cliDefault: 'info',
  },
  shutdownTimeoutMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 3_000,
    help: 'how long stop() waits for sockets to finish their close handshake before cutting them',
  },
} as const satisfies Record<string, OptionRow>;
// Stryker restore all
