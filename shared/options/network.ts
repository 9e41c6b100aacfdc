/** Where the hub listens and how it is found: address, public URL, cluster broker, MQTT ports, heartbeats, webhooks, mDNS (rows of the options table: see `shared/options.ts`). */
import type { OptionRow } from './kinds';

// Stryker disable all: the table is data (help, labels, hints); test/docs.test.ts checks it against docs/configuration.md.
export const networkOptions = {
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
} as const satisfies Record<string, OptionRow>;
// Stryker restore all
