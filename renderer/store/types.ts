import type { StateCreator } from 'zustand';
import type { ClientInfo, ClusterInfo, HubStats, TopicInfo, UserInfo } from '../../shared/hub';
import type {
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
} from '../../shared/ipc';
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
  applyConfig: (config: HubConfig) => void;
}

/** Registrations keyed by id, kept current from full lists and deltas. */
export interface ClientsSlice {
  clients: ReadonlyMap<string, ClientInfo>;
  setClients: (list: readonly ClientInfo[]) => void;
  applyClientDelta: (upserts: readonly ClientInfo[], removed: readonly string[]) => void;
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
export type View = 'clients' | 'users' | 'topics' | 'send' | 'log' | 'settings';

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
export type Store = HubSlice & ClientsSlice & LogSlice & UiSlice & ConnectionSlice;

/** A slice creator typed against the whole store. */
export type Slice<T> = StateCreator<Store, [], [], T>;
