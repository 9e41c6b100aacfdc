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
import type { ClientInfo, HubStats, ListenInfo, RelayEventType, TopicInfo, UserInfo } from './hub';

/** Lifecycle of the hub's server as the GUI shows it. */
export type HubState = 'starting' | 'running' | 'stopped' | 'error';

/** The server's status: where it listens, or why it is not listening. */
export interface HubStatus {
  state: HubState;
  listen: ListenInfo | null;
  /** Set when `state` is `error`, e.g. `{code: 'EADDRINUSE', message: 'port 8000 is in use'}`. */
  error: { code: string; message: string } | null;
}

/** Operator settings persisted by the desktop app (the headless hub takes flags instead). */
export interface HubSettings {
  host: string;
  port: number;
  /** Closing the window quits the app instead of leaving the hub running in the tray. */
  quitOnClose: boolean;
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
  settings: HubSettings | null;
  dashboard: DashboardInfo | null;
  log: LogEntry[];
}

/**
 * A coalesced push from the hub (at most ~10 per second). Clients travel as deltas
 * (`upserts`, `removed`), or as a full list in `clients` when the hub refreshes counters.
 */
export interface HubUpdate {
  status: HubStatus;
  stats: HubStats;
  /** Deliveries per second over the last interval. */
  deliveredPerSecond: number;
  clients?: ClientInfo[];
  upserts?: ClientInfo[];
  removed?: string[];
  users: UserInfo[];
  topics: TopicInfo[];
  log: LogEntry[];
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
  setSettings(arg: Partial<HubSettings>): HubSettings;
}

/** Name of a command. */
export type CommandName = keyof Commands;
/** Argument of a command. */
export type CommandArg<K extends CommandName> = Parameters<Commands[K]>[0];
/** Successful result of a command. */
export type CommandValue<K extends CommandName> = ReturnType<Commands[K]>;

/** What travels back for a command: a value, or an error with a stable code. */
export type CommandResult<K extends CommandName> =
  | { ok: true; value: CommandValue<K> }
  | { ok: false; error: { code: ErrorCode | 'unknown_command' | 'unavailable'; message: string } };

/** Every command name, checked against `Commands`: adding a command fails the typecheck until listed. */
export const commandNames = {
  getInit: true,
  register: true,
  unregister: true,
  unregisterUser: true,
  publish: true,
  restart: true,
  setSettings: true,
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
