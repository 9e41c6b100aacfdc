/** Command-line and environment configuration of the headless hub. Pure: no I/O. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../shared/duration';
import { optionNames, optionRow, type OptionKind, type OptionRow } from '../../shared/options';
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
  return { dataDir: defaultDataDir(env), logLevel: 'info', mqttPort: 1883, mqttsPort: 8883 };
}

/** A flag of the CLI alone (not a relay option): same shape as a table row, for `--help` and docs/configuration.md. */
export interface CliOnlyFlag {
  flag: string;
  env: string;
  /** A switch (`--dashboard`, env `=1`), or a flag with a value. */
  switch: boolean;
  /** A switch that is on unless turned off (`--no-dashboard`, env `=0`). */
  defaultOn?: boolean;
  help: string;
}

/** The CLI's own flags, beside the relay options of `shared/options.ts`. */
export const cliOnlyFlags: readonly CliOnlyFlag[] = [
  {
    flag: 'dashboard',
    env: 'RELAY_HUB_DASHBOARD',
    switch: true,
    defaultOn: true,
    help: 'serve the operator GUI at /dashboard/ (admin token required, printed at start); --no-dashboard or =0 turns it off',
  },
  {
    flag: 'dashboard-token',
    env: 'RELAY_HUB_DASHBOARD_TOKEN',
    switch: false,
    help: "fix the dashboard's admin token (16 or more of A-Z a-z 0-9 _ -); otherwise a fresh one each start",
  },
  {
    flag: 'token-file',
    env: 'RELAY_HUB_TOKEN_FILE',
    switch: false,
    help: 'read the access token from a file (first line); re-read on SIGHUP to rotate it',
  },
];

/** The relay options the command line sets: the rows of the options table that have a flag. */
const flagOptions = optionNames.flatMap((name) => {
  const row = optionRow(name);
  return row.flag === undefined || row.env === undefined ? [] : [{ name, row, flag: row.flag, env: row.env }];
});

const isSwitch = (kind: OptionKind): boolean => kind.type === 'flag';

/** The `--help` text: every relay option with a flag, then the CLI's own. */
export function helpText(): string {
  const line = (flag: string, env: string, help: string, isOn: boolean): string =>
    `  --${flag.padEnd(24)} ${help}\n  ${''.padEnd(26)} env ${env}${isOn ? '=1' : ''}`;
  const lines = [
    ...flagOptions.map(({ flag, env, row }) => line(flag, env, withDefault(row), isSwitch(row.kind))),
    ...cliOnlyFlags.map((f) => line(f.flag, f.env, f.help, f.switch)),
  ];
  return [
    'relay-hub: a real-time WebSocket message hub for your local network (headless).',
    '',
    'Usage: relay-hub [options]',
    '',
    ...lines,
    `  --${'help'.padEnd(24)} this text`,
    '',
    'Flags win over environment variables.',
  ].join('\n');
}

/** A row's help with the CLI's default appended. */
function withDefault(row: OptionRow): string {
  const value = defaultText(row);
  return value === null ? row.help : `${row.help} (default ${value})`;
}

/** The CLI's default of a row as text, or null when there is nothing to say (off, none). */
export function defaultText(row: OptionRow): string | null {
  if (row.cliDefault !== undefined) return row.cliDefault;
  if (row.default === null || row.default === false) return null;
  return String(row.default);
}

/** Parses argv (without node and script) and the environment. Throws a TypeError on bad input. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  const flags = [
    ...flagOptions.map(({ flag, row }) => [flag, { type: isSwitch(row.kind) ? 'boolean' : 'string' }] as const),
    ...cliOnlyFlags.map((f) => [f.flag, { type: f.switch ? 'boolean' : 'string' }] as const),
  ];
  const { values } = parseArgs({
    args: [...argv],
    options: { ...Object.fromEntries(flags), help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  if (values.help === true) return { kind: 'help' };
  const given = values as Record<string, string | boolean | undefined>;
  const relay: Record<string, unknown> = {}; // checked by resolveOptions()
  for (const { name, row, flag, env: variable } of flagOptions) {
    const value = readValue(`--${flag}`, row.kind, given[flag], env[variable]);
    if (value !== undefined) relay[name] = value;
  }
  // On unless turned off: `npx relay-hub` prints the dashboard's URL (its admin token guards it).
  const dashboardEnv = env.RELAY_HUB_DASHBOARD;
  const dashboard =
    typeof given.dashboard === 'boolean' ? given.dashboard : dashboardEnv === undefined || isOn(dashboardEnv);
  const command: CliCommand = { kind: 'run', relay, dashboard };
  const tokenFile = given['token-file'] ?? env.RELAY_HUB_TOKEN_FILE;
  if (typeof tokenFile === 'string' && tokenFile !== '') {
    if (relay.accessToken !== undefined) throw new TypeError('give --token or --token-file, not both');
    command.tokenFile = tokenFile;
  }
  const token = given['dashboard-token'] ?? env.RELAY_HUB_DASHBOARD_TOKEN;
  if (typeof token !== 'string' || token === '') return command;
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new TypeError('--dashboard-token must be at least 16 characters from A-Z a-z 0-9 _ -');
  }
  command.dashboardToken = token;
  return command;
}

const isOn = (value: string | undefined): boolean => value === '1' || value === 'true';

/** The option value a flag (or else its environment variable) gives, undefined when neither is set. */
function readValue(
  name: string,
  kind: OptionKind,
  flag: string | boolean | undefined,
  variable: string | undefined,
): unknown {
  if (kind.type === 'flag') return flag === true || isOn(variable) ? true : undefined;
  const raw = typeof flag === 'string' ? flag : variable;
  if (raw === undefined || raw === '') return undefined;
  switch (kind.type) {
    case 'integer':
      return kind.unit === 'ms' ? toDuration(name, raw) : toInt(name, raw);
    case 'port':
      return raw === 'off' ? null : toInt(name, raw);
    case 'origins':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'choice':
    case 'host':
    case 'path':
    case 'secret':
    case 'url':
      return raw;
  }
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

/** Milliseconds from a duration (`30s`, `7d`, `1h30m`) or plain milliseconds. */
function toDuration(name: string, raw: string): number {
  const ms = parseDuration(raw);
  if (ms === null)
    throw new TypeError(
      `${name} must be a duration like 30s, 15min or 7d (or milliseconds), got ${JSON.stringify(raw)}`,
    );
  return ms;
}

function toInt(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new TypeError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
