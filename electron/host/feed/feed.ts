/**
 * The GUI feed: turns the relay's events into coalesced `HubUpdate` pushes (at most one per
 * `intervalMs`, only when something changed). An update costs what changed since the previous
 * one (`feed-changes.ts`), never a snapshot of the whole hub. The feed also keeps the bounded
 * log, the charts' history, each registration's last disconnects, and each GUI's message tap.
 *
 * Per-message work happens only while a GUI is subscribed (the log's publish lines, the
 * counters), and message bodies are looked at only while that GUI's inspector is open.
 */
import type { RelayEvent, RelayEventType } from '../../../shared/hub';
import type { DashboardInfo, HubConfig, HubInit, HubStatus, HubUpdate, Paging, TopicLive } from '../../../shared/ipc';
import type { ClientDetail, MessageFilter } from '../../../shared/traffic';
import { ClientHistory } from './client-history';
import { ClientPager, type FirstPage, type PageTarget } from './client-pages';
import { Pager } from './pages';
import { ChangeTracker } from './feed-changes';
import { describeEvent, FeedLog } from './feed-log';
import { MessageTap, type TapBudget } from './message-tap';
import { SeriesSampler } from './series';
import { clusterOf, fallbackConfig, securityOf } from './feed-status';
import type { Relay } from '../../relay/index';
import { TopicWatch } from './topic-watch';

export { describeEvent, shortId } from './feed-log';

/** Options of `createHubFeed`. */
export interface HubFeedOptions {
  /** Shortest time between two updates, in ms (default 100, i.e. at most 10 per second). */
  intervalMs?: number;
  /** Entries kept in the log ring (default 500). */
  logSize?: number;
  /** Shortest time between two pushes of client counters (messages sent, buffered…), in ms (default 1000). */
  countersIntervalMs?: number;
  /** Clients per page of a GUI's paged snapshot (default `clientPageSize`). */
  clientPageSize?: number;
  /** Topics per page of a GUI's paged topic tree (default 500). */
  topicPageSize?: number;
  /** Most client counters in one update (default 1000): a bigger scan goes out over the next updates. */
  countersPerUpdate?: number;
  /** Most messages and body characters one update carries to an inspector (default 100 and 256 Ki). */
  tapBudget?: TapBudget;
  /** The server's current status. */
  status: () => HubStatus;
  /** The settings the hub runs with (default: none to show, as in unit tests). */
  config?: () => HubConfig;
  /** Where the dashboard is served, or null. */
  dashboard?: () => DashboardInfo | null;
}

/** Receives a GUI's updates. */
export type FeedListener = (update: HubUpdate) => void;

/** A live feed of the hub for one or more GUIs. */
export interface HubFeed {
  /**
   * Everything a GUI needs when it (re)connects. For a subscribed listener (`pages`), a big hub's
   * clients come in pages: the answer holds the first, its updates carry the others.
   */
  init(pages?: PageTarget<FeedListener>): HubInit;
  /** The GUI applied a page of snapshot `id` and asks for the next (see `ClientPager.next`). */
  nextClientPage(listener: FeedListener, id: number): boolean;
  /** Receives every coalesced update; returns the unsubscribe function (which also closes its inspector). */
  subscribe(listener: FeedListener): () => void;
  /**
   * Opens, re-filters or (null) closes the message inspector of a subscribed listener: its
   * updates then carry the matching messages. False when the listener is not subscribed.
   */
  watchMessages(listener: FeedListener, filter: MessageFilter | null): boolean;
  /**
   * Starts (true) or stops a subscribed listener's topic tree: its updates then carry the topics
   * that changed. Answers every topic as it is now (empty when stopping), or null when not
   * subscribed; a big tree's topics come in pages (`paging`), the first in the answer, each next
   * one when the GUI asks (`nextTopicPage`).
   */
  watchTopics(
    listener: FeedListener,
    watch: boolean,
    busy?: () => boolean,
  ): { topics: TopicLive[]; paging?: Paging } | null;
  /** The GUI applied a page of its topic tree `id` and asks for the next. */
  nextTopicPage(listener: FeedListener, id: number): boolean;
  /** Runs `run` (a GUI command): the registrations it removes are logged as removed by the operator. */
  asOperator<T>(run: () => T): T;
  /** The operator cleared a topic's retained message (the tree's marker goes). */
  retainedCleared(topic: string): void;
  /** One registration with its last disconnects, or null when unknown. */
  clientDetail(id: string): ClientDetail | null;
  /** Schedules an update even without relay events (call after the status changed). */
  refresh(): void;
  /** Stops listening to the relay and drops every subscriber. */
  close(): void;
}

/** Events that change what the GUI lists; the per-message ones are listened to only while a GUI is there. */
const structuralEvents: readonly RelayEventType[] = [
  'registered',
  'unregistered',
  'connected',
  'disconnected',
  'topics',
  'cluster',
];
const firehoseEvents: readonly RelayEventType[] = ['published', 'slow-consumer'];

/** Subscribes to the relay and produces coalesced updates. */
export function createHubFeed(relay: Relay, options: HubFeedOptions): HubFeed {
  const intervalMs = options.intervalMs ?? 100;
  const countersIntervalMs = options.countersIntervalMs ?? 1000;
  /** Each subscribed GUI with its open inspector, if any. */
  const sessions = new Map<FeedListener, { tap: MessageTap | null; topics: boolean }>();
  const log = new FeedLog(options.logSize ?? 500);
  const changes = new ChangeTracker(relay, options.countersPerUpdate);
  const history = new ClientHistory();
  const series = new SeriesSampler(relay);
  const topicWatch = new TopicWatch(relay);
  const topicPageSize = options.topicPageSize ?? 500;
  const topicPager = new Pager<FeedListener, { topics: TopicLive[] }>((listener, topicPage) => {
    if (sessions.get(listener)?.topics === true) send(listener, { ...updateHeader(lastRate), log: [], topicPage });
  });
  const pager = new ClientPager<FeedListener>(
    relay,
    (listener, clientPage) => {
      if (sessions.has(listener)) send(listener, { ...updateHeader(lastRate), log: [], clientPage });
    },
    options.clientPageSize,
  );
  const watchingTopics = (): boolean => [...sessions.values()].some((s) => s.topics);
  /** Open taps, kept as an array: a publish visits them without allocating. */
  let taps: MessageTap[] = [];
  let offFirehose: (() => void) | null = null;

  let timer: NodeJS.Timeout | null = null;
  let timerAt = 0;
  let lastFlushAt = Date.now();
  let lastCountersAt = 0;
  // Delivery counts at recent updates: the rate is measured over the last second, not since the
  // previous update, so it reads steadily whatever made that update (a publish, a chart sample).
  let deliveries: { at: number; delivered: number }[] = [{ at: Date.now(), delivered: relay.stats().delivered }];
  let lastRate = 0;
  let changed = false;
  const config = (): HubConfig | null => options.config?.() ?? null;
  // Status and security are small and sent with every update; settings only when they changed.
  const statusKey = (): string => JSON.stringify([options.status(), securityOf(relay.options), relay.cluster()]);
  let lastStatus = statusKey();
  // Saved payloads (up to a few MiB) are told apart by identity: the host replaces the list on a change.
  const configKey = (current: HubConfig | null): string =>
    current === null ? 'null' : JSON.stringify({ ...current, savedPayloads: null });
  let lastConfig = configKey(config());
  let lastPayloads = config()?.savedPayloads;
  let closed = false;
  /** True while a GUI command runs: the log says the operator did what it did. */
  let operatorActing = false;
  const byWhom = (event: RelayEvent): string => {
    if (event.type !== 'unregistered' || event.reason !== 'request') return '';
    if (operatorActing) return ' by the operator (GUI)';
    return relay.cluster() === null ? ' by DELETE /register' : ' by DELETE /register (here or on another hub)';
  };

  const onEvent = (event: RelayEvent): void => {
    changes.note(event);
    switch (event.type) {
      case 'published':
        log.published(event);
        for (const tap of taps) tap.offer(event);
        topicWatch.published(event);
        break;
      case 'slow-consumer':
        log.slowConsumer(event);
        break;
      case 'cluster':
        log.append(event.type, describeEvent(event));
        break;
      case 'registered':
      case 'unregistered':
      case 'connected':
      case 'disconnected':
      case 'topics':
        history.note(event);
        // Logged even while nobody watches, so a GUI that opens later sees recent history.
        log.append(event.type, describeEvent(event) + byWhom(event));
        break;
    }
    changed = true;
    schedule();
  };

  const schedule = (at = Math.max(Date.now(), lastFlushAt + intervalMs)): void => {
    if (closed || (timer !== null && timerAt <= at)) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(flush, Math.max(0, at - Date.now()));
    timer.unref();
  };

  const deliveryRate = (delivered: number, now: number): number => {
    deliveries.push({ at: now, delivered });
    while (deliveries.length > 2 && (deliveries[1]?.at ?? now) <= now - 1000) deliveries.shift();
    const base = deliveries[0] ?? { at: now, delivered };
    return Math.round(((delivered - base.delivered) * 1000) / Math.max(now - base.at, intervalMs));
  };

  const updateHeader = (rate: number, stats = relay.stats()) => ({
    status: options.status(),
    security: securityOf(relay.options),
    stats,
    deliveredPerSecond: rate,
    ...clusterOf(relay),
  });

  const send = (listener: FeedListener, update: HubUpdate): void => {
    try {
      listener(update);
    } catch (error) {
      console.error('hub feed listener failed:', error);
    }
  };

  function flush(): void {
    timer = null;
    if (closed) return;
    const now = Date.now();
    const status = statusKey();
    const statusChanged = status !== lastStatus;
    lastStatus = status;
    const stats = relay.stats();
    const rate = deliveryRate(stats.delivered, now);
    lastFlushAt = now;
    if (sessions.size === 0) {
      // Nobody watches: gather nothing; a GUI that subscribes later starts from init().
      log.dropPending();
      changes.drop();
      series.takeNew();
      const current = config();
      lastConfig = configKey(current);
      lastPayloads = current?.savedPayloads;
      lastRate = 0;
      changed = false;
      return;
    }
    const countersDue = now - lastCountersAt >= countersIntervalMs;
    const update: HubUpdate = { ...updateHeader(rate, stats), ...changes.take(countersDue), log: log.takePending() };
    if (countersDue) lastCountersAt = now;
    if (topicWatch.active && now - topicWatch.tickAt >= 1000) topicWatch.tick(now);
    const topicLive = topicWatch.take();
    const samples = series.takeNew();
    if (samples !== null) update.series = samples;
    const current = config();
    const key = configKey(current);
    if (current !== null && (key !== lastConfig || current.savedPayloads !== lastPayloads)) update.config = current;
    lastConfig = key;
    lastPayloads = current?.savedPayloads;
    const worthSending =
      changed || statusChanged || rate !== lastRate || update.config !== undefined || update.counters !== undefined;
    lastRate = rate;
    changed = false;
    for (const [listener, session] of sessions) {
      const messages = session.tap?.take(now) ?? null;
      const live = session.topics ? topicLive : null;
      if (messages === null && live === null) {
        if (worthSending || samples !== null) send(listener, update);
        continue;
      }
      send(listener, {
        ...update,
        ...(messages === null ? {} : { messages }),
        ...(live === null ? {} : { topicLive: live }),
      });
    }
    // Trailing updates: counters not yet sent, a rate falling back to 0, an inspector's or a topic's rate.
    if (changes.countersPending) schedule(now + intervalMs);
    else if (changes.countersMayChange) schedule(lastCountersAt + countersIntervalMs);
    else if (rate !== 0 || taps.some((tap) => tap.active) || (topicWatch.active && topicWatch.moving)) {
      schedule(now + countersIntervalMs);
    }
  }

  const unsubscribeStructural = relay.on(onEvent, structuralEvents);
  series.start(() => {
    if (sessions.size > 0) schedule();
  });
  // In a cluster, other hubs' device counts move with their heartbeats: look once a second (sent if changed).
  const clusterTicker = setInterval(() => {
    if (sessions.size > 0 && relay.cluster() !== null) schedule();
  }, 1000);
  clusterTicker.unref();

  return {
    init(pages) {
      const paged = pages !== undefined && sessions.has(pages.listener);
      const first: FirstPage = paged ? pager.start(pages) : relay.snapshot();
      return {
        status: options.status(),
        clients: first.clients,
        ...(first.paging === undefined ? {} : { clientPages: first.paging }),
        users: first.users,
        topics: relay.topics(),
        stats: relay.stats(),
        config: config() ?? fallbackConfig(relay.options),
        security: securityOf(relay.options),
        dashboard: options.dashboard?.() ?? null,
        log: log.lines(),
        series: series.snapshot(),
        ...clusterOf(relay),
      };
    },
    nextClientPage: (listener, id) => sessions.has(listener) && pager.next(listener, id),
    nextTopicPage: (listener, id) => sessions.has(listener) && topicPager.next(listener, id),
    subscribe(listener) {
      if (closed || sessions.has(listener)) return () => undefined;
      if (sessions.size === 0) {
        // Rates restart from now: deliveries made while nobody watched are not a spike.
        deliveries = [{ at: Date.now(), delivered: relay.stats().delivered }];
        lastFlushAt = Date.now();
        lastRate = 0;
        offFirehose = relay.on((event) => onEvent(event), firehoseEvents); // a listener of its own
      }
      sessions.set(listener, { tap: null, topics: false });
      return () => {
        if (!sessions.delete(listener)) return;
        pager.cancel(listener);
        topicPager.cancel(listener);
        taps = [...sessions.values()].flatMap((s) => (s.tap === null ? [] : [s.tap]));
        if (!watchingTopics()) topicWatch.stop();
        if (sessions.size > 0) return;
        offFirehose?.();
        offFirehose = null;
      };
    },
    watchMessages(listener, filter) {
      const session = sessions.get(listener);
      if (session === undefined) return false;
      if (filter === null) session.tap = null;
      else if (session.tap === null) session.tap = new MessageTap(filter, options.tapBudget);
      else session.tap.setFilter(filter);
      taps = [...sessions.values()].flatMap((s) => (s.tap === null ? [] : [s.tap]));
      schedule();
      return true;
    },
    watchTopics(listener, watch, busy) {
      const session = sessions.get(listener);
      if (session === undefined) return null;
      session.topics = watch;
      topicPager.cancel(listener);
      if (!watch) {
        if (!watchingTopics()) topicWatch.stop();
        return { topics: [] };
      }
      topicWatch.start();
      schedule();
      const { first, total, page } = topicWatch.paged(topicPageSize);
      if (total <= topicPageSize) return { topics: first };
      const target = { listener, ...(busy === undefined ? {} : { busy }) };
      return { topics: first, paging: topicPager.start(target, total, topicPageSize, page) };
    },
    asOperator(run) {
      operatorActing = true;
      try {
        return run();
      } finally {
        operatorActing = false;
      }
    },
    retainedCleared(topic) {
      topicWatch.retainedCleared(topic);
      schedule();
    },
    clientDetail(id) {
      const client = relay.client(id);
      return client === null ? null : { client, disconnects: history.of(id) };
    },
    refresh() {
      changed = true;
      schedule();
    },
    close() {
      closed = true;
      clearInterval(clusterTicker);
      unsubscribeStructural();
      offFirehose?.();
      offFirehose = null;
      sessions.clear();
      pager.close();
      topicPager.close();
      taps = [];
      topicWatch.stop();
      series.stop();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
