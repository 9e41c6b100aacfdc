/**
 * The one contract between the operator GUI and the hub, used by three parties: the Electron
 * main process (IPC handlers), the preload (named methods), and the renderer (its transport).
 * The browser dashboard carries the same commands and events over the hub's admin WebSocket.
 */
import type { UpdateStatus } from './updates';
import type {
  ErrorCode,
  HistoryResponse,
  PublishReceipt,
  PublishRequest,
  RegisterRequest,
  RegisterResponse,
  RetainedClearResponse,
  UnregisterResponse,
} from './api';
import type {
  ClientInfo,
  ClusterInfo,
  HubStats,
  ListenInfo,
  RelayEventType,
  TopicInfo,
  TopicStreamInfo,
  UserInfo,
} from './hub';
import type {
  CreateKeyRequest,
  CreateKeyResponse,
  DeviceKeyListing,
  PairRequest,
  PairResponse,
  RevokeKeyResponse,
} from './keys';
import type { WebhookInfo, WebhookList, WebhookRequest, WebhookTest } from './webhooks';
import type { SavedPayload } from './saved-payloads';
import { guiOptionNames, type GuiOptionName, type OptionValues } from './options';
import type { ClientCounters, ClientDetail, HubSeries, MessageBatch, MessageFilter, SeriesDelta } from './traffic';

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
  /** Ask the release feed for a newer version at start (desktop only, never the portable build; default off). */
  checkForUpdates: boolean;
}

/** Every settings field name, in the order the Settings view and the parsers use. */
export const settingsKeys: readonly (keyof HubSettings)[] = [...guiOptionNames, 'quitOnClose', 'checkForUpdates'];

/** The settings the hub runs with, and where they come from. */
export interface HubConfig {
  /** Current values (`quitOnClose` and `checkForUpdates` are false on the headless hub). */
  settings: HubSettings;
  /** True in the desktop app: changes are saved and used again at the next launch. False: they last until the hub stops. */
  persisted: boolean;
  /** Folder of the registration journal (read-only here), or null when registrations live in memory. */
  dataDir: string | null;
  /** The file the access token is read from and saved to (headless `--token-file`), or null. */
  tokenFile: string | null;
  /**
   * The operator's saved payloads, newest first: kept in `<data dir>/saved-payloads.json` (in
   * memory without a data dir), the same for the desktop window and every dashboard.
   */
  savedPayloads: readonly SavedPayload[];
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

/**
 * A big snapshot comes in pages: a big hub's clients after the `getInit` answer, a big topic tree
 * after the `watchTopics` answer. The answer holds the first page and says how many items follow
 * (`HubInit.clientPages`, `topicPages`); the GUI asks for each next page once it applied the one
 * before (`nextClientPage`, `nextTopicPage`), and each page is a push (`HubUpdate.clientPage`,
 * `HubUpdate.topicPage`).
 */
export interface Paging {
  /** Names this snapshot's pages (a GUI that asked again ignores the pages of its previous answer). */
  id: number;
  /** Items the hub held when it answered (the pages may hold fewer: the ones gone meanwhile are skipped). */
  total: number;
}

/** One page of a paged client snapshot: the clients (and users) as they are when the page is sent. */
export interface ClientPage {
  id: number;
  clients: ClientInfo[];
  /** The snapshot's users are paged alike: the answer's `users` holds the first page (absent: none left). */
  users?: UserInfo[];
  /** The snapshot's last page. */
  last: boolean;
}

/** One page of a paged topic tree (`watchTopics`): the topics as they are when the page is sent. */
export interface TopicPage {
  id: number;
  topics: TopicLive[];
  last: boolean;
}

/** Everything the GUI needs when it starts. */
export interface HubInit {
  status: HubStatus;
  /** Every client, or (with `clientPages`) the first page of them. */
  clients: ClientInfo[];
  /** Present when more clients (and users) follow in `clientPage` pushes. */
  clientPages?: Paging;
  /** Every user, or (with `clientPages`) the first page of them. */
  users: UserInfo[];
  topics: TopicInfo[];
  stats: HubStats;
  config: HubConfig;
  security: HubSecurity;
  dashboard: DashboardInfo | null;
  log: LogEntry[];
  /** The charts' history (the last 15 minutes at 1 s, the last hour at 10 s). */
  series: HubSeries;
  /** A hub in a cluster (`--broker`): the cluster as it sees it. */
  cluster?: ClusterInfo;
}

/**
 * A coalesced push from the hub (at most ~10 per second). Everything but the small header
 * (status, security, stats, rate) travels as changes since the previous push, so a push costs
 * what changed, not what the hub holds: 10,000 quiet clients cost nothing.
 */
export interface HubUpdate {
  status: HubStatus;
  security: HubSecurity;
  /** Present when the settings changed since the last push. */
  config?: HubConfig;
  stats: HubStats;
  /** Deliveries per second over the last interval. */
  deliveredPerSecond: number;
  /** Clients registered or changed (connection, topics), whole. */
  upserts?: ClientInfo[];
  /** Ids of clients unregistered. */
  removed?: string[];
  /** Counters of clients that sent or dropped messages since the last counters push (at most one per second). */
  counters?: ClientCounters[];
  /**
   * A page of the client snapshot this GUI asked for (`HubInit.clientPages`): pages and the other
   * pushes go out in one order, each built when sent, so the later one is the fresher.
   */
  clientPage?: ClientPage;
  /** Users added or changed. */
  users?: UserInfo[];
  /** Users left without any registration. */
  usersRemoved?: number[];
  /** Topics added or changed (subscribers, publish count). */
  topics?: TopicInfo[];
  /** Topics left without subscribers. */
  topicsRemoved?: string[];
  log: LogEntry[];
  /** Chart samples made since the previous push. */
  series?: SeriesDelta;
  /** Messages for this GUI's open inspector (see `watchMessages`). */
  messages?: MessageBatch;
  /** A hub in a cluster (`--broker`): the cluster as it sees it now. */
  cluster?: ClusterInfo;
  /** For a GUI watching the topic tree (`watchTopics`): topics whose value, count, rate or retained flag changed. */
  topicLive?: TopicLive[];
  /** A page of this GUI's paged topic tree (the `watchTopics` answer held the first). */
  topicPage?: TopicPage;
}

/** A topic as the topic tree shows it live: its last value, how many messages and how fast, retained or not. */
export interface TopicLive {
  topic: string;
  /** Messages published to it: its stream's last offset (a cleared history does not reset it). */
  messages: number;
  /** Publishes per second over the last second or so. */
  perSecond: number;
  /** The start of its last message (null: none since the hub started and none kept). */
  last: RetainedPreview | null;
  /** It holds a retained message. */
  retained: boolean;
}

/** Where an export is written: a file the operator chose in the desktop app's save dialog. */
export interface ExportTarget {
  /** Names the open file in `exportWrite` / `exportEnd`; null when the operator cancelled the dialog. */
  handle: string | null;
  /** The chosen file, or null when cancelled. */
  path: string | null;
}

/**
 * `publish` from the GUI: a `POST /publish` body whose message may be bytes, in base64
 * (`encoding: 'base64'`: JSON carries no bytes; the host decodes them and publishes a binary message).
 */
export interface GuiPublishRequest extends PublishRequest {
  encoding?: 'text' | 'base64';
  /** The QoS MQTT subscribers get it with (at most their subscription's; default 0). */
  qos?: 0 | 1 | 2;
}

/** `pairDevice`: a `POST /pair` body, and which of the hub's device URLs the link uses (default: the first). */
export interface PairDeviceRequest extends PairRequest {
  base?: string;
}

/** A topic's stream as the Topics view lists it: the retained message cut to a preview. */
export interface TopicStreamSummary extends Omit<TopicStreamInfo, 'retained'> {
  retained: RetainedPreview | null;
}

/** The start of a retained message (`message` is base64 when `encoding` says so), with its whole size. */
export interface RetainedPreview {
  message: string;
  encoding?: 'base64';
  ts: number;
  /** Size of the whole message in bytes (UTF-8 for text). */
  bytes: number;
  /** `message` holds only its first characters (bytes, for a binary message). */
  truncated: boolean;
  /** The MQTT QoS it was published with, when above 0 (a retained message keeps it). */
  qos?: 1 | 2;
}

/** Commands the GUI can send; each answers asynchronously. */
export interface Commands {
  getInit(arg: null): HubInit;
  /**
   * The GUI applied a page of its paged client snapshot `id`: the hub pushes the next one (see
   * `Paging`). False when that snapshot is not this GUI's current one or is complete.
   */
  nextClientPage(arg: { id: number }): { sent: boolean };
  register(arg: RegisterRequest): RegisterResponse;
  unregister(arg: { id: string }): UnregisterResponse;
  unregisterUser(arg: { userId: number }): { removed: number };
  publish(arg: GuiPublishRequest): PublishReceipt;
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
  /**
   * Starts (or changes the filter of) this GUI's message inspector: its updates then carry the
   * matching messages, sampled over a budget. Null stops it; a GUI that disconnects stops too.
   */
  watchMessages(arg: MessageFilter | null): { watching: boolean };
  /** A registration with its last disconnects (error `unknown_client` when it is gone). */
  clientDetail(arg: { id: string }): ClientDetail;
  /** Every device key (never a secret), newest first, with how many registrations each holds now. */
  listKeys(arg: null): { keys: DeviceKeyListing[] };
  /** Creates a device key; its secret is in this answer only. */
  createKey(arg: CreateKeyRequest): CreateKeyResponse;
  /** Revokes a key: its registrations go at once, their sockets closed with 4003. */
  revokeKey(arg: { id: string }): RevokeKeyResponse;
  /** "Add a device": a key for one user and its topics, a one-time phone link on a device URL, a board snippet. */
  pairDevice(arg: PairDeviceRequest): PairResponse;
  /** Removes every registration not connected for at least `disconnectedForMs` (0: every disconnected one). */
  removeDisconnected(arg: { disconnectedForMs: number }): { removed: number };
  /** Every topic's stream: history size, last offset and epoch, retained message (previewed). */
  getStreams(arg: null): { streams: TopicStreamSummary[] };
  /** A topic's messages after `since` (default 0), at most `limit` (default 100); `not_found` when never published to. */
  getHistory(arg: { topic: string; since?: number; limit?: number }): HistoryResponse;
  /**
   * Starts (true) or stops this GUI's topic tree: the answer holds every topic with a stream (last
   * value, count, rate, retained), and the GUI's updates then carry what changes (`topicLive`).
   */
  watchTopics(arg: { watch: boolean }): { topics: TopicLive[]; topicPages?: Paging };
  /** The GUI applied a page of its paged topic tree `id`: the hub pushes the next one (`topicPage`). */
  nextTopicPage(arg: { id: number }): { sent: boolean };
  /** Clears a topic's retained message. */
  clearRetained(arg: { topic: string }): RetainedClearResponse;
  /** Empties a topic's history; answers how many messages went. */
  clearHistory(arg: { topic: string }): { topic: string; removed: number };
  /** Every webhook with its state (last status, latency, backlog, failures). */
  listWebhooks(arg: null): WebhookList;
  /** Adds a webhook: it gets what is published on its filters from now on. */
  addWebhook(arg: WebhookRequest): WebhookInfo;
  /** Removes a webhook (`not_found` when unknown). */
  removeWebhook(arg: { id: string }): { removed: boolean; id: string };
  /** Sends a test delivery; answers the receiver's status (0: no answer) and the latency. */
  testWebhook(arg: { id: string }): WebhookTest;
  /** Saves a payload under its name (replacing one of that name, first in the list); answers the new config. */
  savePayload(arg: SavedPayload): HubConfig;
  /** Deletes a saved payload (`not_found` when there is none of that name). */
  deletePayload(arg: { name: string }): HubConfig;
  /** Renames a saved payload (`not_found`; `name_taken` when another has the new name). */
  renamePayload(arg: { name: string; to: string }): HubConfig;
  /** Desktop only: asks where to save an export (native save dialog) and opens that file. */
  exportBegin(arg: { suggestedName: string }): ExportTarget;
  /** Desktop only: appends a chunk of text to an open export file (waits while the disk catches up). */
  exportWrite(arg: { handle: string; chunk: string }): { bytes: number };
  /** Desktop only: closes an export file (`abort` deletes it); answers its size. */
  exportEnd(arg: { handle: string; abort: boolean }): { path: string; bytes: number };
  /** Desktop only: the app's version and the update check's state; `{ now: true }` asks the release feed first. */
  checkForUpdates(arg: { now: boolean }): UpdateStatus;
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
export type CommandErrorCode =
  | ErrorCode
  | 'unknown_command'
  | 'unavailable'
  | 'invalid_settings'
  /** `savePayload` over the hub's bounds: the count, or the bytes of every saved message together. */
  | 'too_many_saved_payloads';

/** Every command name, checked against `Commands`: adding a command fails the typecheck until listed. */
export const commandNames = {
  getInit: true,
  nextClientPage: true,
  register: true,
  unregister: true,
  unregisterUser: true,
  publish: true,
  restart: true,
  setSettings: true,
  getAccessToken: true,
  rotateAccessToken: true,
  setAccessToken: true,
  watchMessages: true,
  clientDetail: true,
  listKeys: true,
  createKey: true,
  revokeKey: true,
  pairDevice: true,
  removeDisconnected: true,
  getStreams: true,
  getHistory: true,
  watchTopics: true,
  nextTopicPage: true,
  clearRetained: true,
  clearHistory: true,
  listWebhooks: true,
  addWebhook: true,
  removeWebhook: true,
  testWebhook: true,
  savePayload: true,
  deletePayload: true,
  renamePayload: true,
  exportBegin: true,
  exportWrite: true,
  exportEnd: true,
  checkForUpdates: true,
} as const satisfies Record<CommandName, true>;

/** Commands only the desktop app's main process answers (the dashboard downloads exports instead). */
export const desktopCommandNames = [
  'exportBegin',
  'exportWrite',
  'exportEnd',
  'checkForUpdates',
] as const satisfies readonly CommandName[];

/** True for a known command name. */
export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commandNames, value);
}

/** IPC channel names (Electron), one per command plus the push channel. */
export const ipcChannel = {
  command: (name: CommandName): string => `relay-hub:${name}`,
  update: 'relay-hub:update',
} as const;
