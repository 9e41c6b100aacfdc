/** Command-line and environment configuration of the headless hub. Pure: no I/O. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RelayOptions } from '../relay/index';

/** What the CLI was asked to do. */
export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'run';
      relay: Partial<RelayOptions>;
      dashboard: boolean;
      dashboardToken?: string;
      /** File holding the access token, read at start and again on SIGHUP. */
      tokenFile?: string;
    };

/**
 * The CLI's data dir when none is given: `$XDG_STATE_HOME/relay-hub` or `~/.local/state/relay-hub`
 * (`%LOCALAPPDATA%\relay-hub` on Windows, `~/Library/Application Support/relay-hub` on macOS).
 */
export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'relay-hub');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'relay-hub');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'relay-hub');
}

/** What the CLI uses unless told otherwise (the library defaults are in-memory and silent). */
export function cliDefaults(env: Readonly<Record<string, string | undefined>>): Partial<RelayOptions> {
  return { dataDir: defaultDataDir(env), logLevel: 'info' };
}

/** Flag → environment variable → relay option, with how to read the value. */
const settings = [
  {
    flag: 'host',
    env: 'RELAY_HUB_HOST',
    option: 'host',
    type: 'string',
    help: 'interface to listen on (default 0.0.0.0, the LAN)',
  },
  {
    flag: 'port',
    env: 'RELAY_HUB_PORT',
    option: 'port',
    type: 'int',
    help: 'TCP port (default 8000; 0 = any free port)',
  },
  {
    flag: 'public-url',
    env: 'RELAY_HUB_PUBLIC_URL',
    option: 'publicUrl',
    type: 'string',
    help: 'base URL devices use, e.g. http://hub.local:8000 (default: the Host each request came to)',
  },
  {
    flag: 'heartbeat-ms',
    env: 'RELAY_HUB_HEARTBEAT_MS',
    option: 'heartbeatIntervalMs',
    type: 'int',
    help: 'ping interval; a client missing one pong is cut (default 30000, 0 = off)',
  },
  {
    flag: 'max-body-bytes',
    env: 'RELAY_HUB_MAX_BODY_BYTES',
    option: 'maxBodyBytes',
    type: 'int',
    help: 'largest HTTP body (default 1048576; larger → 413)',
  },
  {
    flag: 'max-payload-bytes',
    env: 'RELAY_HUB_MAX_PAYLOAD_BYTES',
    option: 'maxPayloadBytes',
    type: 'int',
    help: 'largest WebSocket frame from a device (default 1048576; larger → close 1009)',
  },
  {
    flag: 'max-buffered-bytes',
    env: 'RELAY_HUB_MAX_BUFFERED_BYTES',
    option: 'maxBufferedBytes',
    type: 'int',
    help: 'per-client backlog that triggers the slow-consumer policy (default 1048576)',
  },
  {
    flag: 'slow-consumer',
    env: 'RELAY_HUB_SLOW_CONSUMER',
    option: 'slowConsumerPolicy',
    type: 'string',
    help: 'close (default: close 4002) or drop (skip messages, counted)',
  },
  {
    flag: 'data-dir',
    env: 'RELAY_HUB_DATA_DIR',
    option: 'dataDir',
    type: 'string',
    help: 'folder of the registration journal (default ~/.local/state/relay-hub or $XDG_STATE_HOME)',
  },
  {
    flag: 'expire-idle-ms',
    env: 'RELAY_HUB_EXPIRE_IDLE_MS',
    option: 'expireIdleMs',
    type: 'int',
    help: 'remove registrations not connected for this long (default 0 = never)',
  },
  {
    flag: 'log-level',
    env: 'RELAY_HUB_LOG_LEVEL',
    option: 'logLevel',
    type: 'string',
    help: 'JSON log lines on stderr: trace, debug, info (default), warn, error, fatal, silent',
  },
  {
    flag: 'token',
    env: 'RELAY_HUB_TOKEN',
    option: 'accessToken',
    type: 'string',
    help: 'require Authorization: Bearer <token> on register, unregister and publish (16+ characters; default: open)',
  },
  {
    flag: 'allowed-origins',
    env: 'RELAY_HUB_ALLOWED_ORIGINS',
    option: 'allowedOrigins',
    type: 'list',
    help: 'comma-separated browser origins allowed to open device sockets (default: any; devices send none)',
  },
  {
    flag: 'max-message-bytes',
    env: 'RELAY_HUB_MAX_MESSAGE_BYTES',
    option: 'maxMessageBytes',
    type: 'int',
    help: 'largest published message (default 1048576; larger → 413)',
  },
  {
    flag: 'max-registrations',
    env: 'RELAY_HUB_MAX_REGISTRATIONS',
    option: 'maxRegistrations',
    type: 'int',
    help: 'most registrations held (default 100000, 0 = no limit; more → 503)',
  },
  {
    flag: 'max-connections',
    env: 'RELAY_HUB_MAX_CONNECTIONS',
    option: 'maxConnections',
    type: 'int',
    help: 'most live device sockets (default 20000, 0 = no limit; more → 503)',
  },
  {
    flag: 'register-rate',
    env: 'RELAY_HUB_REGISTER_RATE',
    option: 'registerRatePerSec',
    type: 'int',
    help: 'registrations per second from one IP (default 20, 0 = no limit; more → 429)',
  },
  {
    flag: 'register-burst',
    env: 'RELAY_HUB_REGISTER_BURST',
    option: 'registerBurst',
    type: 'int',
    help: 'registrations one IP may make at once before the rate applies (default 100)',
  },
  {
    flag: 'publish-rate',
    env: 'RELAY_HUB_PUBLISH_RATE',
    option: 'publishRatePerSec',
    type: 'int',
    help: 'publishes per second from one IP (default 1000, 0 = no limit; more → 429)',
  },
  {
    flag: 'publish-burst',
    env: 'RELAY_HUB_PUBLISH_BURST',
    option: 'publishBurst',
    type: 'int',
    help: 'publishes one IP may make at once before the rate applies (default 2000)',
  },
  {
    flag: 'max-topics',
    env: 'RELAY_HUB_MAX_TOPICS',
    option: 'topicLimits.maxTopics',
    type: 'int',
    help: 'most topics one client may subscribe to (default 64)',
  },
  {
    flag: 'max-topic-length',
    env: 'RELAY_HUB_MAX_TOPIC_LENGTH',
    option: 'topicLimits.maxTopicLength',
    type: 'int',
    help: 'longest topic name in characters (default 256)',
  },
  {
    flag: 'tls-cert',
    env: 'RELAY_HUB_TLS_CERT',
    option: 'tlsCertFile',
    type: 'string',
    help: 'PEM certificate file: serve https/wss (with --tls-key); register answers wss:// URLs',
  },
  {
    flag: 'tls-key',
    env: 'RELAY_HUB_TLS_KEY',
    option: 'tlsKeyFile',
    type: 'string',
    help: 'PEM private key file of --tls-cert (both re-read on SIGHUP: renewal)',
  },
] as const;

/** The `--help` text. */
export function helpText(): string {
  const lines = settings.map((s) => `  --${s.flag.padEnd(20)} ${s.help}\n  ${''.padEnd(22)} env ${s.env}`);
  return [
    'relay-hub: a real-time WebSocket message hub for your local network (headless).',
    '',
    'Usage: relay-hub [options]',
    '',
    ...lines,
    `  --${'dashboard'.padEnd(20)} serve the operator GUI at /dashboard (admin token printed)`,
    `  ${''.padEnd(22)} env RELAY_HUB_DASHBOARD=1`,
    `  --${'dashboard-token'.padEnd(20)} fix the dashboard's admin token (16+ of A-Za-z0-9_-; default: random)`,
    `  ${''.padEnd(22)} env RELAY_HUB_DASHBOARD_TOKEN`,
    `  --${'token-file'.padEnd(20)} read the access token from a file; re-read on SIGHUP (rotation)`,
    `  ${''.padEnd(22)} env RELAY_HUB_TOKEN_FILE`,
    `  --${'fsync'.padEnd(20)} fsync every registration change (survives power loss; slower)`,
    `  ${''.padEnd(22)} env RELAY_HUB_FSYNC=1`,
    `  --${'help'.padEnd(20)} this text`,
    '',
    'Flags win over environment variables.',
  ].join('\n');
}

/** Parses argv (without node and script) and the environment. Throws a TypeError on bad input. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  const options = Object.fromEntries(settings.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...options,
      dashboard: { type: 'boolean' },
      fsync: { type: 'boolean' },
      'dashboard-token': { type: 'string' },
      'token-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return { kind: 'help' };
  const relay: Record<string, unknown> = {}; // validated by resolveOptions()
  for (const setting of settings) {
    const raw = (values as Record<string, string | undefined>)[setting.flag] ?? env[setting.env];
    if (raw === undefined || raw === '') continue;
    const value =
      setting.type === 'int'
        ? toInt(`--${setting.flag}`, raw)
        : setting.type === 'list'
          ? raw
              .split(',')
              .map((item) => item.trim())
              .filter((item) => item !== '')
          : raw;
    const [group, key] = setting.option.split('.');
    if (key === undefined) relay[setting.option] = value;
    else relay[group as string] = { ...(relay[group as string] as object | undefined), [key]: value };
  }
  const fsyncEnv = env.RELAY_HUB_FSYNC;
  if (values.fsync === true || fsyncEnv === '1' || fsyncEnv === 'true') relay.fsync = true;
  const dashboardEnv = env.RELAY_HUB_DASHBOARD;
  const dashboard = values.dashboard === true || dashboardEnv === '1' || dashboardEnv === 'true';
  const command: CliCommand = { kind: 'run', relay, dashboard };
  const tokenFile = values['token-file'] ?? env.RELAY_HUB_TOKEN_FILE;
  if (tokenFile !== undefined && tokenFile !== '') {
    if (relay.accessToken !== undefined) throw new TypeError('give --token or --token-file, not both');
    command.tokenFile = tokenFile;
  }
  const token = values['dashboard-token'] ?? env.RELAY_HUB_DASHBOARD_TOKEN;
  if (token === undefined || token === '') return command;
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new TypeError('--dashboard-token must be at least 16 characters from A-Z a-z 0-9 _ -');
  }
  command.dashboardToken = token;
  return command;
}

/** The access token in a token file: its first line, trimmed. Throws a readable Error. */
export function tokenFromFile(path: string, read: (path: string) => string): string {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot read the token file ${path}: ${reason}`, { cause: error });
  }
  const token = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (token === '') throw new Error(`the token file ${path} is empty (to open the hub, restart it without a token)`);
  return token;
}

function toInt(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new TypeError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
