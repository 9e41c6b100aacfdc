/** The Redis engine's parts that stand alone: its counters, the cluster around it, and its copy of the streams. */
import type { Logger } from '../core/log';
import { MemoryEngine } from '../core/history/memory';
import type { Streams } from '../core/history/streams';
import type { HistoryLimits } from '../core/history/types';
import type { RedisLink } from './link';
import type { ClusterKeys } from './redis';

/** What the engine counts for the metrics and the GUI. */
export interface EngineCounters {
  /** Publishes made here while Redis was unreachable (other hubs never got them). */
  unshared: number;
  /** Other hubs' publications delivered here late, when this hub rejoined. */
  late: number;
  /** Other hubs' publications this hub's devices never got. */
  missed: number;
  /** Publications of other hubs delivered here. */
  received: number;
}

/** The cluster around the engine. */
export interface EngineCluster {
  readonly link: RedisLink;
  readonly keys: ClusterKeys;
  readonly self: string;
  readonly log: Logger;
  /** The ids of the other hubs that are live members now. */
  otherHubs(): string[];
  /** Joins (or leaves) the cluster with the engine's start (stop). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** This hub's copy of the cluster's streams: a memory engine whose streams a reload replaces. */
export class Copy extends MemoryEngine {
  get data(): Streams {
    return this.streams;
  }

  set data(streams: Streams) {
    this.streams = streams;
  }

  /** Empty streams with these limits (a reload fills them). */
  fresh(limits: HistoryLimits): Streams {
    return this.newStreams(limits);
  }
}
