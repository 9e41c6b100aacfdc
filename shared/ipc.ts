/**
 * The one contract between the operator GUI and the hub, used by three parties: the Electron
 * main process (IPC handlers), the preload (named methods), and the renderer (its transport).
 * The browser dashboard carries the same commands and events over the hub's admin WebSocket.
 */
import type {
  ErrorCode,
  PublishReceipt,
  PublishRequest,
  RegisterRequest,
  RegisterResponse,
  UnregisterResponse,
} from './api';
import type { ClientInfo, ClusterInfo, HubStats, ListenInfo, RelayEventType, TopicInfo, UserInfo } from './hub';
import { guiOptionNames, type GuiOptionName, type OptionValues } from './options';

/** Lifecycle of the hub's server as the GUI shows it. */
export type HubState = 'starting' | 'running' | 'stopped' | 'error';

/** The server's status: where it listens, or why it is not listening. */
export interface HubStatus {
  state: HubState;
  listen: ListenInfo | null;
  /** Set when `state` is `error`, e.g. `{code: 'EADDRINUSE', message: 'port 8000 is in use'}`. */
  error: { code: string; message: string } | null;
}

/** Relay options an operator may change from the GUI: the rows of `options.ts` with a GUI place. */
export type RelaySettings = Pick<OptionValues, GuiOptionName>;

/** Operator settings: the relay's plus the desktop app's own (the access token travels separately). */
export interface HubSettings extends RelaySettings {
  /** Closing the window quits the app instead of leaving the hub running in the tray (desktop only). */
  quitOnClose: boolean;
}

/** Every settings field name, in the order the Settings view and the parsers use. */
export const settingsKeys: readonly (keyof HubSettings)[] = [...guiOptionNames, 'quitOnClose'];

/** The settings the hub runs with, and where they come from. */
export interface HubConfig {
  /** Current values (`quitOnClose` is false on the headless hub). */
  settings: HubSettings;
  /** True in the desktop app: changes are saved and used again at the next launch. False: they last until the hub stops. */
  persisted: boolean;
  /** Folder of the registration journal (read-only here), or null when registrations live in memory. */
  dataDir: string | null;
  /** The file the access token is read from and saved to (headless `--token-file`), or null. */
  tokenFile: string | null;
}

/** How open the hub is to its network, for the header badges and the "open hub" banner. */
export interface HubSecurity {
  /** An access token is required to register, unregister and publish. */
  tokenRequired: boolean;
  /** Browser origins are restricted by an allow-list. */
  originsRestricted: boolean;
  /** The hub serves https/wss. */
  tls: boolean;
}

/** Where the browser dashboard is served, when it is enabled. */
export interface DashboardInfo {
  url: string;
  token: string;
}

/** One line of the live log. */
export interface LogEntry {
  seq: number;
  at: number;
  kind: RelayEventType;
  text: string;
}

/** Everything the GUI needs when it starts. */
export interface HubInit {
  status: HubStatus;
  clients: ClientInfo[];
  users: UserInfo[];
  topics: TopicInfo[];
  stats: HubStats;
  config: HubConfig;
  security: HubSecurity;
  dashboard: DashboardInfo | null;
  log: LogEntry[];
  /** A hub in a cluster (`--broker`): the cluster as it sees it. */
  cluster?: ClusterInfo;
}

/**
 * A coalesced push from the hub (at most ~10 per second). Clients travel as deltas
 * (`upserts`, `removed`), or as a full list in `clients` when the hub refreshes counters.
 */
export interface HubUpdate {
  status: HubStatus;
  security: HubSecurity;
  /** Present when the settings changed since the last push. */
  config?: HubConfig;
  stats: HubStats;
  /** Deliveries per second over the last interval. */
  deliveredPerSecond: number;
  clients?: ClientInfo[];
  upserts?: ClientInfo[];
  removed?: string[];
  users: UserInfo[];
  topics: TopicInfo[];
  log: LogEntry[];
  /** A hub in a cluster (`--broker`): the cluster as it sees it now. */
  cluster?: ClusterInfo;
}

/** Commands the GUI can send; each answers asynchronously. */
export interface Commands {
  getInit(arg: null): HubInit;
  register(arg: RegisterRequest): RegisterResponse;
  unregister(arg: { id: string }): UnregisterResponse;
  unregisterUser(arg: { userId: number }): { removed: number };
  publish(arg: PublishRequest): PublishReceipt;
  /** Restarts the server on another host/port (e.g. after EADDRINUSE) without restarting the app. */
  restart(arg: { host: string; port: number }): HubStatus;
  /** Applies the changed settings (restarting the server when a relay option changed); all or nothing. */
  setSettings(arg: Partial<HubSettings>): HubConfig;
  /** The current access token, or null when the hub is open. */
  getAccessToken(arg: null): { token: string | null };
  /** Generates a new random access token (32 bytes, base64url) and requires it from the next request. */
  rotateAccessToken(arg: null): { token: string };
  /** Sets a chosen access token, or removes it (null: the hub is open to its network). */
  setAccessToken(arg: { token: string | null }): { token: string | null };
}

/** Name of a command. */
export type CommandName = keyof Commands;
/** Argument of a command. */
export type CommandArg<K extends CommandName> = Parameters<Commands[K]>[0];
/** Successful result of a command. */
export type CommandValue<K extends CommandName> = ReturnType<Commands[K]>;

/** What travels back for a command: a value, or an error with a stable code. */
export type CommandResult<K extends CommandName> =
  { ok: true; value: CommandValue<K> } | { ok: false; error: { code: CommandErrorCode; message: string } };

/** Error codes of commands: the API's, plus the GUI's own. */
export type CommandErrorCode = ErrorCode | 'unknown_command' | 'unavailable' | 'invalid_settings';

/** Every command name, checked against `Commands`: adding a command fails the typecheck until listed. */
export const commandNames = {
  getInit: true,
  register: true,
  unregister: true,
  unregisterUser: true,
  publish: true,
  restart: true,
  setSettings: true,
  getAccessToken: true,
  rotateAccessToken: true,
  setAccessToken: true,
} as const satisfies Record<CommandName, true>;

/** True for a known command name. */
export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commandNames, value);
}

/** IPC channel names (Electron), one per command plus the push channel. */
export const ipcChannel = {
  command: (name: CommandName): string => `relay-hub:${name}`,
  update: 'relay-hub:update',
} as const;
