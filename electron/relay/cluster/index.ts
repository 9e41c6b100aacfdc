/**
 * Several hubs as one, on Redis (`--broker`): the only door into `electron/relay/cluster/`. A
 * cluster gives its hub an engine (publications, history, retained messages: `engine.ts`) and a
 * directory (registrations and sockets: `directory.ts`) over one link to Redis (`link.ts`), plus a
 * heartbeat listing the members (`members.ts`). The hub and the server never know whether it runs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ClusterInfo } from '../../../shared/hub';
import type { Replica } from '../core/clients/cluster';
import type { HistoryLimits } from '../core/history/types';
import type { Logger } from '../core/log';
import { ClusterDirectory } from './directory';
import { RedisEngine } from './engine';
import { RedisLink, type LinkHandlers } from './link';
import { Members, type SelfDescription } from './members';
import { brokerTarget, keysOf } from './redis';

export type { SelfDescription } from './members';

/** How long a starting hub waits to join before it serves its devices alone (degraded), in ms. */
const joinWaitMs = 5_000;
/** While degraded, how often the log says so again, in ms. */
const remindEveryMs = 30_000;

/** What a cluster needs from its hub. */
export interface ClusterOptions {
  /** The broker URL (checked by the relay's options). */
  broker: string;
  limits: HistoryLimits;
  log: Logger;
  /** The data dir, where the hub keeps the data set's generation across restarts (null: in memory). */
  dataDir: string | null;
  /** What this hub says about itself in its heartbeat. */
  describe: () => SelfDescription;
  /** Tells the hub's listeners (the GUI's log) what changed. */
  note: (state: ClusterInfo['state'], text: string) => void;
}

/** A hub's membership of a cluster. */
export interface Cluster {
  readonly engine: RedisEngine;
  readonly directory: ClusterDirectory;
  /** Binds the hub (its replica) before the engine starts. */
  bind(replica: Replica): void;
  info(): ClusterInfo;
}

/** Creates a hub's cluster membership (it joins when its engine starts). */
export function createCluster(options: ClusterOptions): Cluster {
  const { log, note } = options;
  const self = randomBytes(6).toString('base64url');
  const target = brokerTarget(options.broker);
  const keys = keysOf(target.db);
  let degradedSince: number | null = null;
  let outages = 0;
  let reminder: NodeJS.Timeout | null = null;
  let joining: Promise<void> | null = null;
  let settleStart: (() => void) | null = null;

  const handlers: LinkHandlers = {
    up: () => {
      engine.hold();
      joining = joinCluster().finally(() => (joining = null));
    },
    down: (reason) => {
      engine.lost();
      outages++;
      degradedSince ??= Date.now();
      log.error(
        { broker: target.display, reason },
        "cluster degraded: Redis unreachable; serving this hub's devices only",
      );
      note(
        'degraded',
        `cluster degraded: Redis (${target.display}) is unreachable; this hub serves its own devices only`,
      );
      reminder ??= setInterval(() => {
        const { unshared } = engine.counters;
        log.warn(
          { broker: target.display, since: new Date(degradedSince ?? Date.now()).toISOString(), unshared },
          'cluster still degraded',
        );
      }, remindEveryMs);
      reminder.unref();
      settleStart?.();
    },
    bus: (data) => {
      if (data[0] !== 0x63) {
        engine.onBus(data);
        return;
      }
      let control: { k?: unknown; h?: unknown };
      try {
        control = JSON.parse(data.toString('utf8', 1)) as { k?: unknown; h?: unknown };
      } catch {
        return;
      }
      // The streams' controls keep their place among publications (held while the copy reloads).
      if (control.k === 'unretain' || control.k === 'clear') engine.onBus(data);
      else if (control.k === 'member' || control.k === 'leave') members.onControl(control);
      else directory.onControl(control);
    },
    receipts: (data) => engine.onReceipts(data),
  };

  const link = new RedisLink(target.options, keys, self, handlers, log);
  const members = new Members(link, keys, self, options.describe);
  const info = (): ClusterInfo => {
    const { unshared, late, missed, received } = engine.counters;
    const state =
      link.state === 'up'
        ? engine.state === 'active'
          ? 'up'
          : 'joining'
        : link.state === 'down'
          ? 'degraded'
          : 'joining';
    return {
      state,
      broker: target.display,
      self,
      members: members.list(),
      degradedSince,
      outages,
      unshared,
      late,
      missed,
      received,
    };
  };
  const generationFile = options.dataDir === null ? null : join(options.dataDir, 'cluster.json');
  // A hub whose device count changed beats soon; the others read it a little later.
  const socketsChanged = (local: boolean): void => members.soon(local ? 200 : 500);
  const directory = new ClusterDirectory(
    self,
    link,
    keys,
    log,
    (hub) => members.nameOf(hub),
    info,
    generationFile,
    socketsChanged,
  );
  const engine = new RedisEngine(options.limits, {
    link,
    keys,
    self,
    log,
    otherHubs: () => members.otherHubs(),
    async start() {
      const started = new Promise<void>((resolve) => (settleStart = resolve));
      link.open();
      members.start();
      const timer = setTimeout(() => settleStart?.(), joinWaitMs);
      await started;
      clearTimeout(timer);
      settleStart = null;
    },
    async close() {
      await joining?.catch(() => undefined);
      await members.leave();
      members.stop();
      if (reminder !== null) clearInterval(reminder);
      reminder = null;
      await link.close();
    },
  });

  async function joinCluster(): Promise<void> {
    const rejoin = degradedSince !== null;
    try {
      await directory.joined();
      await engine.joined();
      await members.beat();
      await members.announce();
    } catch (error) {
      log.error({ err: String(error) }, 'cannot join the cluster; retrying');
      link.fail(`joining failed: ${String(error)}`);
      return;
    }
    if (link.state !== 'up' || engine.state !== 'active') return;
    const { unshared, late, missed } = engine.counters;
    if (rejoin) {
      log.info(
        { broker: target.display, downMs: Date.now() - (degradedSince ?? Date.now()), unshared, late, missed },
        'cluster rejoined',
      );
      note('up', `cluster rejoined: Redis is back (${unshared} publishes made here meanwhile were not shared)`);
    } else {
      log.info({ broker: target.display, member: self, hubs: members.list().length }, 'joined the cluster');
      note('up', `joined the cluster at ${target.display} (${members.list().length} hubs)`);
    }
    degradedSince = null;
    if (reminder !== null) clearInterval(reminder);
    reminder = null;
    settleStart?.();
  }

  return {
    engine,
    directory,
    bind: (replica) => directory.bind(replica),
    info,
  };
}
