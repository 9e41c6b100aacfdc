import type { StateCreator } from 'zustand';
import type { ClientInfo, ClusterInfo, HubStats, TopicInfo, UserInfo } from '../../shared/hub';
import type {
  ClientPage,
  CommandArg,
  CommandName,
  CommandResult,
  DashboardInfo,
  HubConfig,
  HubInit,
  HubSecurity,
  HubStatus,
  HubUpdate,
  LogEntry,
  Paging,
  TopicLive,
  TopicPage,
  TopicStreamSummary,
} from '../../shared/ipc';
import type { DeviceKeyListing } from '../../shared/keys';
import type { ClientCounters, HubSeries, MessageBatch, MessageRecord, SeriesDelta } from '../../shared/traffic';
import type { LinkState, Transport } from '../transport/types';

/** Hub status, counters, users and topics: replaced wholesale by each push. */
export interface HubSlice {
  status: HubStatus;
  stats: HubStats;
  /** Deliveries per second over the hub's last push interval. */
  deliveredPerSecond: number;
  users: UserInfo[];
  topics: TopicInfo[];
  /** The settings the hub runs with (null until loaded). */
  config: HubConfig | null;
  /** How open the hub is (token, origins, TLS). */
  security: HubSecurity;
  dashboard: DashboardInfo | null;
  /** A hub in a cluster: the cluster as it sees it (null: a hub alone). */
  cluster: ClusterInfo | null;
  /** True once the first `getInit` answer arrived. */
  loaded: boolean;
  applyInit: (init: HubInit) => void;
  applyUpdate: (update: HubUpdate) => void;
  /** Users added or changed (a page of a paged snapshot, or an update), and users gone. */
  applyUsers: (users: readonly UserInfo[], removed?: readonly number[]) => void;
  applyConfig: (config: HubConfig) => void;
}

/** Registrations keyed by id, kept current from full lists and deltas. */
export interface ClientsSlice {
  /**
   * Every client. Counter pushes change the counters (messages and bytes sent, buffered,
   * dropped) of these objects in place, without a new map: read `countersVersion` with them.
   */
  clients: ReadonlyMap<string, ClientInfo>;
  /** Changes when clients come, go or change anything but their counters (what order and filters depend on). */
  clientsShape: number;
  /** The ids the last delta touched, and the shapes before and after it (the clients table merges them in). */
  clientsDelta: { from: number; to: number; changed: ReadonlySet<string> };
  /** Changes with every counters push that touched a client. */
  countersVersion: number;
  /** While a paged snapshot's pages are still coming (`HubInit.clientPages`): how far it is. */
  clientsLoading: { id: number; received: number; total: number } | null;
  /** Replaces every client: the whole list, or the first page of a paged snapshot. */
  setClients: (list: readonly ClientInfo[], paging?: Paging) => void;
  applyClientDelta: (upserts: readonly ClientInfo[], removed: readonly string[]) => void;
  /** Adds a page of the paged snapshot in progress (a page of another one is ignored). */
  applyClientPage: (page: ClientPage) => void;
  /** Applies live counters (messages and bytes sent, buffered, dropped) of the clients named. */
  applyCounters: (counters: readonly ClientCounters[]) => void;
}

/** The charts' history as the hub keeps it, extended by each push. */
export interface SeriesSlice {
  series: HubSeries;
  setSeries: (series: HubSeries) => void;
  appendSeries: (delta: SeriesDelta) => void;
}

/** The inspector's filter as typed: topic prefix, user id (digits), text in the body. */
export interface MessageFilterInput {
  topic: string;
  user: string;
  text: string;
}

/** A message as the inspector holds it: `key` is unique in this page (the hub's `seq` restarts with each inspector). */
export type HeldMessage = MessageRecord & { key: number };

/** The message inspector: a bounded buffer of what the hub sent while it was open. */
export interface MessagesSlice {
  messages: HeldMessage[];
  /** Messages that arrived while paused; shown on resume. */
  heldMessages: HeldMessage[];
  /** The message whose body is shown in full, by key. */
  selectedMessage: number | null;
  messagesPaused: boolean;
  messageFilter: MessageFilterInput;
  /** Most messages kept (older ones fall off); the operator's choice, saved in this browser. */
  messageLimit: number;
  /** The latest rates: matching messages per second at the hub, and how many of them the hub sent. */
  messageRate: { matched: number; shown: number; sampled: boolean };
  appendMessages: (batch: MessageBatch) => void;
  setMessagesPaused: (paused: boolean) => void;
  setMessageFilter: (filter: Partial<MessageFilterInput>) => void;
  /** Takes the limit this browser saved, if any (called when the inspector's code loads). */
  restoreMessageLimit: () => void;
  setMessageLimit: (limit: number) => void;
  clearMessages: () => void;
  selectMessage: (key: number | null) => void;
}

/** The live log: bounded, pausable (new lines are held while paused), filterable. */
export interface LogSlice {
  log: LogEntry[];
  /** Lines that arrived while paused; shown on resume. */
  held: LogEntry[];
  logPaused: boolean;
  logFilter: string;
  lastSeq: number;
  appendLog: (entries: readonly LogEntry[]) => void;
  /** Replaces the log with a snapshot's (a restarted hub numbers its lines from the start again). */
  resetLog: (entries: readonly LogEntry[]) => void;
  setLogPaused: (paused: boolean) => void;
  setLogFilter: (filter: string) => void;
  clearLog: () => void;
}

/** Columns of the clients table that can be sorted. */
export type ClientSortKey =
  | 'id'
  | 'userId'
  | 'topics'
  | 'connected'
  | 'remoteAddress'
  | 'connectedSince'
  | 'messagesSent'
  | 'published'
  | 'bufferedBytes';

/** A sort order. */
export interface ClientSort {
  key: ClientSortKey;
  direction: 'asc' | 'desc';
}

/** The views reachable from the tab bar. */
export type View =
  'clients' | 'users' | 'topics' | 'keys' | 'webhooks' | 'messages' | 'charts' | 'send' | 'log' | 'settings';

/** Which dialog makes a key: "Add a device" (a key, a phone link and a board snippet) or a bare key. */
export type KeyDialog = 'device' | 'key';

/** Device keys, asked from the hub while the Keys view (or a dialog) needs them. */
export interface KeysSlice {
  /** Every key, newest first; null until first loaded. */
  keys: DeviceKeyListing[] | null;
  /** Why the last load failed, or null. */
  keysError: string | null;
  /** The open key dialog, if any. */
  keyDialog: KeyDialog | null;
  /** The key whose revocation the operator is asked to confirm, by id. */
  keyToRevoke: string | null;
  askRevoke: (id: string | null) => void;
  loadKeys: () => Promise<void>;
  /** Revokes a key and reloads the list; resolves with the error message, or null. */
  revokeKey: (id: string) => Promise<string | null>;
  openKeyDialog: (dialog: KeyDialog | null) => void;
}

/** Topics' streams (history size, last offset, retained message), asked from the hub while the Topics view is open. */
export interface StreamsSlice {
  streams: ReadonlyMap<string, TopicStreamSummary>;
  /** The topic whose history panel is open, if any. */
  historyTopic: string | null;
  loadStreams: () => Promise<void>;
  openHistory: (topic: string | null) => void;
}

/** The topic tree: topics' live side (values, counts, rates, retained) and where the operator is in it. */
export interface TreeSlice {
  /** Every topic with a stream, by name, while the Topics view watches (empty otherwise). */
  topicLive: ReadonlyMap<string, TopicLive>;
  /** Changes with every change of `topicLive` (which may be changed in place). */
  topicLiveVersion: number;
  /** Paths of the expanded nodes. */
  treeExpanded: ReadonlySet<string>;
  /** The node whose detail is open (a path), if any. */
  treeSelected: string | null;
  /** The tree's filter: words, or an MQTT filter (`home/+/temp`, `home/#`). */
  treeFilter: string;
  /** How the Topics view shows topics. */
  topicsLayout: 'tree' | 'list';
  /** The id of the paged tree whose pages are still coming (`watchTopics`' `topicPages`), or null. */
  topicPaging: number | null;
  /** Replaces every topic's live side (the hub's answer to `watchTopics`: the first page of a paged tree). */
  setTopicLive: (list: readonly TopicLive[], paging?: Paging) => void;
  /** Adds a page of the paged tree (one of an earlier answer is ignored), and asks for the next. */
  applyTopicPage: (page: TopicPage) => void;
  /** Applies the topics a push says changed. */
  applyTopicLive: (changes: readonly TopicLive[]) => void;
  /**
   * The topics `applyTopicLive` changed since the last call, or null when `topicLive` was replaced
   * since (or this is the first call): then every topic may have changed. One reader: the tree.
   */
  takeTopicLiveChanges: () => ReadonlySet<string> | null;
  /** Expands or collapses a node (`open` absent: flips it). */
  toggleTreeNode: (path: string, open?: boolean) => void;
  selectTreeNode: (path: string | null) => void;
  /** Opens the Topics view's tree on a topic: its branches expanded, its detail open. */
  revealTopic: (topic: string) => void;
  setTreeFilter: (filter: string) => void;
  setTopicsLayout: (layout: 'tree' | 'list') => void;
}

/** Time span of the charts. */
export type ChartRange = '15m' | '1h';

/** Which connection states the clients table shows. */
export type ConnectionFilter = 'all' | 'connected' | 'disconnected';

/** Operator choices that are not hub data. */
export interface UiSlice {
  view: View;
  clientFilter: string;
  connectionFilter: ConnectionFilter;
  clientSort: ClientSort;
  /** Topic prefilled in the publish form (e.g. from the topics view). */
  publishTopic: string;
  /** Filters of the users view (user id or topic) and the topics view (topic name). */
  userFilter: string;
  topicFilter: string;
  /** The device registered last from the GUI, kept so its URL survives switching views. */
  lastRegistration: { id: string; url: string; userId: number } | null;
  /** The client whose detail panel is open, if any. */
  detailClientId: string | null;
  chartRange: ChartRange;
  openClientDetail: (id: string | null) => void;
  setChartRange: (range: ChartRange) => void;
  /** The operator hid the "open hub" banner; it returns when the hub is opened again (or on reload). */
  openBannerDismissed: boolean;
  setOpenBannerDismissed: (dismissed: boolean) => void;
  setView: (view: View) => void;
  setClientFilter: (filter: string) => void;
  setConnectionFilter: (filter: ConnectionFilter) => void;
  /** Sorts by `key`; choosing the current key again flips the direction. */
  sortClientsBy: (key: ClientSortKey) => void;
  publishTo: (topic: string) => void;
  /** Opens the clients view filtered by `filter` (e.g. `user:7` from the users view). */
  showClients: (filter: string) => void;
  setUserFilter: (filter: string) => void;
  setTopicFilter: (filter: string) => void;
  setLastRegistration: (registration: UiSlice['lastRegistration']) => void;
}

/** The link to the hub and the one way to send it commands. */
export interface ConnectionSlice {
  link: LinkState;
  transport: Transport | null;
  /** Attaches a transport: follows its link, loads `getInit` on every (re)connect, applies pushes. Returns detach. */
  connect: (transport: Transport) => () => void;
  call: <K extends CommandName>(name: K, arg: CommandArg<K>) => Promise<CommandResult<K>>;
  setToken: (token: string) => void;
}

/** The whole renderer store. */
export type Store = HubSlice &
  ClientsSlice &
  LogSlice &
  UiSlice &
  ConnectionSlice &
  SeriesSlice &
  MessagesSlice &
  KeysSlice &
  StreamsSlice &
  TreeSlice;

/** A slice creator typed against the whole store. */
export type Slice<T> = StateCreator<Store, [], [], T>;
