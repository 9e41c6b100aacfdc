/**
 * The one table of the relay's options: for each, its kind and bounds, default, command-line flag,
 * environment variable, one-line help and place in the GUI. Everything else derives from it: the
 * relay's option type and validation (`electron/relay/core/options.ts`), the CLI's parsing and
 * `--help` (`electron/cli/args.ts`), the GUI's settings, defaults and hints (`settings.ts`), and
 * the README's configuration table (checked by `test/docs.test.ts`). Adding an option is one row.
 */

import { defaultTopicLimits } from './limits';

/** How an option's value is written and checked. */
export type OptionKind =
  | { readonly type: 'integer'; readonly min: number; readonly max?: number; readonly unit?: OptionUnit }
  /** An interface to listen on: an IP literal or a hostname. */
  | { readonly type: 'host' }
  /** An absolute http(s) URL, or null. */
  | { readonly type: 'url'; readonly example: string }
  /** A file or folder path, or null. */
  | { readonly type: 'path' }
  /** Browser origins (`https://app.example`), or null for any. */
  | { readonly type: 'origins' }
  /** One of a few words. */
  | { readonly type: 'choice'; readonly values: readonly string[] }
  /** On or off. */
  | { readonly type: 'flag' }
  /** A secret of 16+ visible ASCII characters, or null. */
  | { readonly type: 'secret' }
  /** A TCP port from 0 (any free one) to 65535, or null (written `off`): that listener is off. */
  | { readonly type: 'port' };

/** The unit of an integer option, for readable hints (`1 MiB`, `30 s`). */
export type OptionUnit = 'bytes' | 'ms' | 'per second';

/** The GUI's settings sections, in order. */
export const settingsSectionIds = ['network', 'access', 'limits', 'rates', 'tls', 'storage'] as const;
/** A section of the GUI's Settings view. */
export type SettingsSectionId = (typeof settingsSectionIds)[number];

/** One option. */
export interface OptionRow {
  readonly kind: OptionKind;
  /** The library's default (`createRelay()`); the CLI's differs where `cliDefault` says. */
  readonly default: number | string | boolean | null;
  /** The command-line flag, without `--` (absent: library only). */
  readonly flag?: string;
  /** The environment variable the CLI reads when the flag is absent. */
  readonly env?: string;
  /** One line for `--help` and the README. */
  readonly help: string;
  /** The headless hub's default where it differs from the library's, as the README shows it. */
  readonly cliDefault?: string;
  /** Where the GUI's Settings view shows it (absent: not a GUI setting). */
  readonly gui?: {
    readonly section: SettingsSectionId;
    readonly label: string;
    readonly hint: string;
    /** For a choice: what the GUI calls each value. */
    readonly choices?: Readonly<Record<string, string>>;
  };
}

const MiB = 1024 * 1024;
const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every relay option, in the order the GUI and the README show them. */
// Stryker disable all: the table is data (help, labels, hints); test/docs.test.ts checks it against the README.
export const optionTable = {
  host: {
    kind: { type: 'host' },
    default: '0.0.0.0',
    flag: 'host',
    env: 'RELAY_HUB_HOST',
    help: 'interface to listen on (0.0.0.0: the whole LAN)',
    gui: {
      section: 'network',
      label: 'Listen on',
      hint: '0.0.0.0: every network of this computer; 127.0.0.1: this computer only',
    },
  },
  port: {
    kind: { type: 'integer', min: 0, max: 65_535 },
    default: 8000,
    flag: 'port',
    env: 'RELAY_HUB_PORT',
    help: 'TCP port (0 = any free port)',
    gui: { section: 'network', label: 'Port', hint: '0 picks a free port' },
  },
  publicUrl: {
    kind: { type: 'url', example: 'http://hub.local:8000' },
    default: null,
    flag: 'public-url',
    env: 'RELAY_HUB_PUBLIC_URL',
    help: "base URL handed to devices, e.g. http://hub.local:8000, instead of the request's Host",
    gui: {
      section: 'network',
      label: 'Public URL',
      hint: 'Empty: the address each device used. Set it behind a proxy or a DNS name',
    },
  },
  broker: {
    kind: { type: 'url', example: 'redis://redis.local:6379/0' },
    default: null,
    flag: 'broker',
    env: 'RELAY_HUB_BROKER',
    help: 'join a cluster of hubs through this Redis: redis://[:password@]host:6379/0 (rediss:// for TLS)',
    gui: {
      section: 'network',
      label: 'Cluster broker (Redis)',
      hint: 'Empty: this hub alone. redis://[:password@]host:6379/0 (rediss:// for TLS) joins every hub using the same one',
    },
  },
  mqttPort: {
    kind: { type: 'port' },
    default: null,
    flag: 'mqtt-port',
    env: 'RELAY_HUB_MQTT_PORT',
    help: 'MQTT over TCP on this port, same host (off = none; MQTT over WebSocket is always at /mqtt)',
    cliDefault: '1883',
    gui: {
      section: 'network',
      label: 'MQTT port',
      hint: 'MQTT brokers use 1883. off: no MQTT over TCP (MQTT over WebSocket stays at /mqtt)',
    },
  },
  mqttsPort: {
    kind: { type: 'port' },
    default: null,
    flag: 'mqtts-port',
    env: 'RELAY_HUB_MQTTS_PORT',
    help: 'MQTT over TLS on this port when --tls-cert and --tls-key are set (off = none)',
    cliDefault: '8883',
    gui: {
      section: 'tls',
      label: 'MQTT over TLS port',
      hint: 'Used only with a certificate: 8883 is the usual port. off: none',
    },
  },
  heartbeatIntervalMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 30_000,
    flag: 'heartbeat-ms',
    env: 'RELAY_HUB_HEARTBEAT_MS',
    help: 'ping interval; a client that misses a pong is cut (0 = off)',
    gui: {
      section: 'network',
      label: 'Heartbeat interval',
      hint: 'Time between pings (30 s, 1 min); a client missing one is cut. 0: off',
    },
  },
  streamHeartbeatMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 15_000,
    flag: 'stream-heartbeat-ms',
    env: 'RELAY_HUB_STREAM_HEARTBEAT_MS',
    help: 'keep-alive of the HTTP streams (/sse: a comment, /stream: an empty line) so proxies keep them open (0 = off)',
  },
  webhookTimeoutMs: {
    kind: { type: 'integer', min: 100, unit: 'ms' },
    default: 10_000,
    flag: 'webhook-timeout-ms',
    env: 'RELAY_HUB_WEBHOOK_TIMEOUT_MS',
    help: 'how long a webhook receiver has to answer one delivery (connecting takes at most 5 s of it)',
  },
  webhookMaxBackoffMs: {
    kind: { type: 'integer', min: 10, unit: 'ms' },
    default: 60_000,
    flag: 'webhook-max-backoff-ms',
    env: 'RELAY_HUB_WEBHOOK_MAX_BACKOFF_MS',
    help: 'longest wait between two attempts of a failing webhook (exponential backoff with full jitter)',
  },
  mdns: {
    kind: { type: 'flag' },
    default: false,
    flag: 'mdns',
    env: 'RELAY_HUB_MDNS',
    help: 'announce the hub on the LAN over mDNS/DNS-SD (_relay-hub._tcp), so devices can find it',
    gui: {
      section: 'network',
      label: 'Announce on the LAN (mDNS)',
      hint: 'Devices find the hub as _relay-hub._tcp without typing its address',
    },
  },
  accessToken: {
    kind: { type: 'secret' },
    default: null,
    flag: 'token',
    env: 'RELAY_HUB_TOKEN',
    help: 'require the header Authorization: Bearer TOKEN on register, unregister, publish and /metrics (16+ characters)',
  },
  allowedOrigins: {
    kind: { type: 'origins' },
    default: null,
    flag: 'allowed-origins',
    env: 'RELAY_HUB_ALLOWED_ORIGINS',
    help: 'comma-separated browser origins allowed to open device sockets (default: any; devices send none)',
    gui: {
      section: 'access',
      label: 'Allowed browser origins',
      hint: 'One per line, e.g. https://app.example. Empty: any. Devices (no Origin) always pass',
    },
  },
  devicePublish: {
    kind: { type: 'choice', values: ['allow', 'deny'] },
    default: 'allow',
    flag: 'device-publish',
    env: 'RELAY_HUB_DEVICE_PUBLISH',
    help: 'allow: devices may publish over their socket; deny: such frames get an error frame forbidden',
    gui: {
      section: 'access',
      label: 'Devices may publish over their socket',
      hint: 'Refused publishes get an error frame (forbidden); HTTP publishing is not affected',
      choices: { allow: 'Allowed', deny: 'Refused' },
    },
  },
  maxMessageBytes: {
    kind: { type: 'integer', min: 1, unit: 'bytes' },
    default: MiB,
    flag: 'max-message-bytes',
    env: 'RELAY_HUB_MAX_MESSAGE_BYTES',
    help: 'largest published message in UTF-8 bytes (413 above)',
    gui: { section: 'limits', label: 'Max message', hint: 'Bytes per published message' },
  },
  maxBodyBytes: {
    kind: { type: 'integer', min: 1, unit: 'bytes' },
    default: MiB,
    flag: 'max-body-bytes',
    env: 'RELAY_HUB_MAX_BODY_BYTES',
    help: 'largest HTTP body (413 above)',
    gui: { section: 'limits', label: 'Max request body', hint: 'Bytes per HTTP request body' },
  },
  maxPayloadBytes: {
    kind: { type: 'integer', min: 1, unit: 'bytes' },
    default: MiB,
    flag: 'max-payload-bytes',
    env: 'RELAY_HUB_MAX_PAYLOAD_BYTES',
    help: 'largest WebSocket frame a device may send (close 1009 above)',
    gui: { section: 'limits', label: 'Max socket frame', hint: 'Bytes per frame a device sends' },
  },
  maxTopics: {
    kind: { type: 'integer', min: 1 },
    default: defaultTopicLimits.maxTopics,
    flag: 'max-topics',
    env: 'RELAY_HUB_MAX_TOPICS',
    help: 'most topics one client may subscribe to (400 invalid_topics above)',
    gui: { section: 'limits', label: 'Max topics per client', hint: 'Topics one client may subscribe to' },
  },
  maxTopicLength: {
    kind: { type: 'integer', min: 1 },
    default: defaultTopicLimits.maxTopicLength,
    flag: 'max-topic-length',
    env: 'RELAY_HUB_MAX_TOPIC_LENGTH',
    help: 'longest topic name, in characters',
    gui: { section: 'limits', label: 'Max topic length', hint: 'Characters in a topic name' },
  },
  maxRegistrations: {
    kind: { type: 'integer', min: 0 },
    default: 100_000,
    flag: 'max-registrations',
    env: 'RELAY_HUB_MAX_REGISTRATIONS',
    help: 'most registrations held (503 above; 0 = no limit)',
    gui: { section: 'limits', label: 'Max registrations', hint: 'Registrations the hub holds. 0: no limit' },
  },
  maxConnections: {
    kind: { type: 'integer', min: 0 },
    default: 20_000,
    flag: 'max-connections',
    env: 'RELAY_HUB_MAX_CONNECTIONS',
    help: 'most live device sockets (503 above; 0 = no limit)',
    gui: { section: 'limits', label: 'Max connections', hint: 'Live device sockets. 0: no limit' },
  },
  maxBufferedBytes: {
    kind: { type: 'integer', min: 1, unit: 'bytes' },
    default: MiB,
    flag: 'max-buffered-bytes',
    env: 'RELAY_HUB_MAX_BUFFERED_BYTES',
    help: 'per-client backlog that triggers the slow-consumer policy',
    gui: {
      section: 'limits',
      label: 'Max backlog per client',
      hint: 'Bytes waiting for one slow client before the policy applies',
    },
  },
  slowConsumerPolicy: {
    kind: { type: 'choice', values: ['close', 'drop'] },
    default: 'close',
    flag: 'slow-consumer',
    env: 'RELAY_HUB_SLOW_CONSUMER',
    help: 'close: close the client with 4002; drop: skip messages for it while its backlog is over the limit, counted',
    gui: {
      section: 'limits',
      label: 'Slow consumers',
      hint: 'What happens to a client that cannot keep up',
      choices: { close: 'Close it', drop: 'Drop its messages' },
    },
  },
  slowConsumerGraceMs: {
    kind: { type: 'integer', min: 0, unit: 'ms' },
    default: 2_000,
    flag: 'slow-consumer-grace-ms',
    env: 'RELAY_HUB_SLOW_CONSUMER_GRACE_MS',
    help: 'with the close policy: how long a closed slow client may keep its backlog before it is cut',
    gui: {
      section: 'limits',
      label: 'Grace before cutting',
      hint: 'How long a closed slow client may keep its backlog (10 s, 1 min)',
    },
  },
  // The rate defaults (docs/rate-limits.md): a script that sets up 1,000 devices from one machine
  // as fast as it can fits in the burst, twice over; a flood from one address (10,000/s for 10 s)
  // gets 2,000 + 200/s through and 429 for the rest (96 %). Loopback is an address like any other.
  registerRatePerSec: {
    kind: { type: 'integer', min: 0, unit: 'per second' },
    default: 200,
    flag: 'register-rate',
    env: 'RELAY_HUB_REGISTER_RATE',
    help: 'registrations per second per IP (429 above; 0 = no limit)',
    gui: { section: 'rates', label: 'Registrations per IP', hint: 'Registrations per second from one address' },
  },
  registerBurst: {
    kind: { type: 'integer', min: 1 },
    default: 2_000,
    flag: 'register-burst',
    env: 'RELAY_HUB_REGISTER_BURST',
    help: 'registrations one IP may make at once before the rate applies (a 1,000-device test script fits)',
    gui: { section: 'rates', label: 'Registration burst', hint: 'Registrations one address may make at once' },
  },
  // Publishes: a script's 10,000 as fast as it can fit in the burst; a flood gets 10,000 + 2,000/s.
  publishRatePerSec: {
    kind: { type: 'integer', min: 0, unit: 'per second' },
    default: 2_000,
    flag: 'publish-rate',
    env: 'RELAY_HUB_PUBLISH_RATE',
    help: 'publishes per second per IP (429 above; 0 = no limit)',
    gui: { section: 'rates', label: 'Publishes per IP', hint: 'Publishes per second from one address' },
  },
  publishBurst: {
    kind: { type: 'integer', min: 1 },
    default: 10_000,
    flag: 'publish-burst',
    env: 'RELAY_HUB_PUBLISH_BURST',
    help: 'publishes one IP may make at once before the rate applies (a 10,000-message test script fits)',
    gui: { section: 'rates', label: 'Publish burst', hint: 'Publishes one address may make at once' },
  },
  devicePublishRatePerSec: {
    kind: { type: 'integer', min: 0, unit: 'per second' },
    default: 100,
    flag: 'device-publish-rate',
    env: 'RELAY_HUB_DEVICE_PUBLISH_RATE',
    help: 'publishes per second over one device socket (error frame rate_limited above, socket kept; 0 = no limit)',
    gui: {
      section: 'rates',
      label: 'Publishes per device socket',
      hint: 'Per second, over one socket; above it the device gets rate_limited and stays connected',
    },
  },
  devicePublishBurst: {
    kind: { type: 'integer', min: 1 },
    default: 1_000,
    flag: 'device-publish-burst',
    env: 'RELAY_HUB_DEVICE_PUBLISH_BURST',
    help: 'publishes one device socket may send at once before its rate applies (a 1,000-message loop fits)',
    gui: { section: 'rates', label: 'Device publish burst', hint: 'Publishes one socket may send at once' },
  },
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

type Table = typeof optionTable;
/** The name of a relay option. */
export type OptionName = keyof Table;

/** The value type of an option kind. */
export type OptionValue<K extends OptionKind> = K extends { type: 'integer' }
  ? number
  : K extends { type: 'host' }
    ? string
    : K extends { type: 'url' | 'path' | 'secret' }
      ? string | null
      : K extends { type: 'port' }
        ? number | null
        : K extends { type: 'origins' }
          ? readonly string[] | null
          : K extends { type: 'choice'; values: readonly (infer V)[] }
            ? V
            : K extends { type: 'flag' }
              ? boolean
              : never;

/** Every relay option with its value type: what `createRelay()` is configured with. */
export type OptionValues = { -readonly [N in OptionName]: OptionValue<Table[N]['kind']> };

/** The options the GUI's Settings view shows (those with a `gui` place). */
export type GuiOptionName = { [N in OptionName]: Table[N] extends { gui: object } ? N : never }[OptionName];

/** Every option name, in table order. */
export const optionNames = Object.keys(optionTable) as OptionName[];

/** The row of an option, typed as a plain row (for code that walks the table). */
export function optionRow(name: OptionName): OptionRow {
  return optionTable[name];
}

/** The GUI's option names, in table order. */
export const guiOptionNames = optionNames.filter((name) => optionRow(name).gui !== undefined) as GuiOptionName[];

/** The library's defaults, from the table. */
export const optionDefaults = Object.freeze(
  Object.fromEntries(optionNames.map((name) => [name, optionTable[name].default])) as OptionValues,
);

/** A log level name (`logLevel`). */
export type LogLevel = OptionValues['logLevel'];

/** True for a log level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (logLevels as readonly string[]).includes(value);
}

/** A host to listen on: an IPv4/IPv6 literal or a hostname, at most 253 characters. */
export function isListenHost(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 253 &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(value)
  );
}

const accessTokenPattern = /^[\x21-\x7e]{16,}$/;

/** True for an access token the hub accepts: 16+ visible ASCII characters, no spaces. */
export function isAccessToken(value: unknown): value is string {
  return typeof value === 'string' && accessTokenPattern.test(value);
}

const maxOrigins = 100;
const anyInteger = Number.MAX_SAFE_INTEGER;

/**
 * Null when `value` fits `kind`, else what is wrong as a predicate ("must be a whole number from 0
 * to 65535"): the GUI prefixes it with the field's label, the relay with the option's name.
 */
export function kindProblem(kind: OptionKind, value: unknown): string | null {
  switch (kind.type) {
    case 'integer': {
      const max = kind.max ?? anyInteger;
      if (typeof value === 'number' && Number.isInteger(value) && value >= kind.min && value <= max) return null;
      return max === anyInteger
        ? `must be a whole number of at least ${kind.min}`
        : `must be a whole number from ${kind.min} to ${max}`;
    }
    case 'host':
      return isListenHost(value) ? null : 'must be an IP address or a hostname';
    case 'url':
    case 'path': {
      if (value === null) return null;
      const maxLength = kind.type === 'url' ? 2048 : 4096;
      return typeof value === 'string' && value.trim() !== '' && value.length <= maxLength && value === value.trim()
        ? null
        : `must be empty or a text of at most ${maxLength} characters without surrounding spaces`;
    }
    case 'origins':
      if (value === null) return null;
      if (!Array.isArray(value) || value.length === 0 || value.length > maxOrigins) {
        return `must be empty (any origin) or a list of 1 to ${maxOrigins} origins`;
      }
      return value.every((origin) => typeof origin === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\S{1,2000}$/i.test(origin))
        ? null
        : 'must list origins like https://app.example';
    case 'choice':
      if (typeof value === 'string' && kind.values.includes(value)) return null;
      return kind.values.length === 2
        ? `must be "${kind.values[0]}" or "${kind.values[1]}"`
        : `must be one of ${kind.values.join(', ')}`;
    case 'flag':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'secret':
      if (value === null) return null;
      return isAccessToken(value) ? null : 'must be at least 16 visible ASCII characters without spaces';
    case 'port':
      if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535)) {
        return null;
      }
      return 'must be off or a whole number from 0 to 65535';
  }
}

/** Why `token` cannot be an access token (a sentence for the GUI), or null when it can. */
export function accessTokenProblem(token: string): string | null {
  if (accessTokenPattern.test(token)) return null;
  return token.length < 16
    ? `an access token needs at least 16 characters (this one has ${token.length})`
    : 'an access token may contain only visible ASCII characters, no spaces';
}
