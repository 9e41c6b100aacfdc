/** Who may do what and how much: the access token, origins, device publishing, size and count limits, slow consumers, rates (rows of the options table: see `shared/options.ts`). */
import { MiB, type OptionRow } from './kinds';
import { defaultTopicLimits } from '../limits';

// Stryker disable all: the table is data (help, labels, hints); test/docs.test.ts checks it against docs/configuration.md.
export const accessOptions = {
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
} as const satisfies Record<string, OptionRow>;
// Stryker restore all
