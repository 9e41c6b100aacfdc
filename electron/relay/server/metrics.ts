/**
 * `GET /metrics` in Prometheus text format (prom-client). Nothing is counted per publish here:
 * every value is read from the hub's own counters when Prometheus scrapes. The process's own
 * figures (CPU, memory, event-loop lag, GC, handles) are prom-client's default metrics, named
 * `relay_hub_process_*` and `relay_hub_nodejs_*`; the two documented before them
 * (`relay_hub_event_loop_lag_seconds{stat}`, `relay_hub_resident_memory_bytes`) read theirs.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { Hub } from '../core/hub';
import { createClusterMetrics } from './cluster-metrics';
import { scrapedCounter, scrapedGauge } from './scraped';

/** A relay's metrics. */
export interface RelayMetrics {
  /** The Prometheus content type of `text()`. */
  readonly contentType: string;
  /** Renders every metric. */
  text(): Promise<string>;
  /** Starts sampling the event-loop delay (while the server listens). */
  start(): void;
  /** Stops sampling. */
  stop(): void;
}

/** Creates the metrics of one hub, in a registry of their own. */
export function createMetrics(hub: Hub): RelayMetrics {
  const registry = new Registry();
  let defaults = false;
  /** The value of one of prom-client's default gauges (registered at the first start), or null. */
  const defaultValue = async (name: string): Promise<number | null> => {
    const metric = registry.getSingleMetric(`relay_hub_${name}`);
    const value = metric === undefined ? undefined : (await metric.get()).values[0]?.value;
    return value ?? null;
  };

  const gauge = (name: string, help: string, read: () => number): void => scrapedGauge(registry, name, help, read);
  const counter = (name: string, help: string, read: () => number): void => scrapedCounter(registry, name, help, read);

  gauge('relay_hub_connections', 'Live device WebSocket connections.', () => hub.connections().size);
  gauge('relay_hub_registrations', 'Registrations (connected or not).', () => hub.stats().registered);
  gauge('relay_hub_users', 'Distinct users with at least one registration.', () => hub.stats().users);
  gauge('relay_hub_topics', 'Topics with at least one subscriber.', () => hub.stats().topics);
  counter('relay_hub_publishes_total', 'Messages published.', () => hub.stats().published);
  counter('relay_hub_deliveries_total', 'Messages queued to a connected subscriber.', () => hub.stats().delivered);
  counter('relay_hub_published_bytes_total', 'Bytes of published frames, each counted once.', () => {
    return hub.counters.publishedBytes;
  });
  counter('relay_hub_delivered_bytes_total', 'Bytes queued to devices, once per recipient.', () => {
    return hub.counters.deliveredBytes;
  });
  counter('relay_hub_slow_consumer_closes_total', 'Devices closed (4002) for not reading.', () => {
    return hub.stats().slowConsumerCloses;
  });
  counter('relay_hub_slow_consumer_drops_total', 'Messages skipped for slow devices (drop policy).', () => {
    return hub.stats().droppedMessages;
  });
  counter('relay_hub_heartbeat_terminations_total', 'Devices cut for missing a heartbeat pong.', () => {
    return hub.stats().heartbeatTerminations;
  });
  gauge('relay_hub_wills', 'Last wills held for live connections, every door.', () => hub.wills.size);
  counter('relay_hub_wills_published_total', 'Last wills published for their clients, every door.', () => {
    return hub.wills.published;
  });
  new Counter({
    name: 'relay_hub_rejected_requests_total',
    help: 'Requests and sockets refused (4xx, or 503 at a capacity limit), by error code.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of hub.counters.rejected) this.inc({ reason }, count);
    },
  });
  new Counter({
    name: 'relay_hub_registrations_expired_total',
    help: 'Registrations removed without a request: never connected, idle, or their device key revoked or expired.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      // Every reason, also at 0: an alert can watch a series that exists.
      for (const reason of ['never_connected', 'idle', 'key_revoked'] as const) {
        this.inc({ reason }, hub.counters.expired.get(reason) ?? 0);
      }
    },
  });
  new Gauge({
    name: 'relay_hub_device_keys',
    help: 'Device keys that work now (neither revoked nor expired).',
    registers: [registry],
    collect() {
      const now = Date.now();
      this.set(hub.keys.list().filter((key) => hub.keys.valid(key.id, now)).length);
    },
  });
  new Counter({
    name: 'relay_hub_disconnects_total',
    help: 'Device sockets ended, by reason and WebSocket close code.',
    labelNames: ['reason', 'code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, count] of hub.counters.disconnects) {
        const [reason = '', code = ''] = key.split(' ');
        this.inc({ reason, code }, count);
      }
    },
  });
  new Gauge({
    name: 'relay_hub_limit',
    help: 'Configured limits (0 = none): compare with the gauges above to alert before a limit is hit.',
    labelNames: ['limit'],
    registers: [registry],
    collect() {
      const o = hub.options;
      this.set({ limit: 'max_registrations' }, o.maxRegistrations);
      this.set({ limit: 'max_connections' }, o.maxConnections);
      this.set({ limit: 'max_message_bytes' }, o.maxMessageBytes);
      this.set({ limit: 'register_rate_per_second' }, o.registerRatePerSec);
      this.set({ limit: 'publish_rate_per_second' }, o.publishRatePerSec);
    },
  });
  new Gauge({
    name: 'relay_hub_event_loop_lag_seconds',
    help: 'Event-loop delay since the previous scrape (relay_hub_nodejs_eventloop_lag_*_seconds).',
    labelNames: ['stat'],
    registers: [registry],
    // Registered after the defaults: their collector (which resets the histogram) has run.
    async collect() {
      for (const stat of ['mean', 'p50', 'p99', 'max'] as const) {
        const value = await defaultValue(`nodejs_eventloop_lag_${stat}_seconds`);
        if (value !== null && Number.isFinite(value)) this.set({ stat }, value); // none before a first sample
      }
    },
  });
  counter('relay_hub_store_fsyncs_total', 'Disk flushes (fsync) of the registration store.', () => hub.storeFsyncs);
  counter('relay_hub_tls_handshake_failures_total', 'TLS connections that failed before a request.', () => {
    return hub.counters.tlsHandshakeFailures;
  });
  new Gauge({
    name: 'relay_hub_tls_certificate_expiry_seconds',
    help: 'When the served TLS certificate expires (Unix time), by certificate file; absent without TLS.',
    labelNames: ['file'],
    registers: [registry],
    collect() {
      this.reset();
      const notAfter = hub.counters.tlsNotAfter;
      const file = hub.options.tlsCertFile;
      if (notAfter !== null && file !== null) this.set({ file }, notAfter / 1000);
    },
  });
  gauge('relay_hub_history_messages', 'Messages in the history, across topics.', () => hub.engine.totals().messages);
  gauge('relay_hub_history_bytes', 'Bytes counted against the history budget.', () => hub.engine.totals().bytes);
  gauge('relay_hub_retained_messages', 'Topics with a retained message.', () => hub.engine.totals().retained);
  gauge('relay_hub_history_disk_bytes', 'Bytes of the history log on disk (0 without a data dir).', () => {
    return hub.engine.storage()?.bytes ?? 0;
  });
  counter('relay_hub_history_fsyncs_total', 'fsyncs of the history log (--fsync).', () => {
    return hub.engine.storage()?.fsyncs ?? 0;
  });
  const mqtt = hub.counters.mqtt;
  gauge('relay_hub_mqtt_connections', 'Live MQTT connections (TCP, TLS and WebSocket).', () => mqtt.connections);
  gauge('relay_hub_mqtt_sessions_stored', 'MQTT persistent sessions kept (clean session 0).', () => mqtt.sessions);
  counter('relay_hub_mqtt_dropped_total', 'MQTT messages not delivered: a slow consumer, a full session queue.', () => {
    return mqtt.dropped;
  });
  for (const [direction, map, help] of [
    ['received', mqtt.packetsIn, 'MQTT packets received, by type.'],
    ['sent', mqtt.packetsOut, 'MQTT packets sent, by type (PUBLISH and CONNACK).'],
  ] as const) {
    new Counter({
      name: `relay_hub_mqtt_packets_${direction}_total`,
      help,
      labelNames: ['type'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [type, count] of map) this.inc({ type }, count);
      },
    });
  }
  new Gauge({
    name: 'relay_hub_resident_memory_bytes',
    help: 'Resident memory of the hub process (relay_hub_process_resident_memory_bytes).',
    registers: [registry],
    async collect() {
      this.set((await defaultValue('process_resident_memory_bytes')) ?? process.memoryUsage.rss());
    },
  });
  gauge('relay_hub_uptime_seconds', 'Seconds since the hub was created.', () => (Date.now() - hub.startedAt) / 1000);

  const cluster = createClusterMetrics(() => hub.clusterInfo());
  return {
    contentType: registry.contentType,
    text: async () => `${await registry.metrics()}${await cluster.text()}`,
    start() {
      if (defaults) return;
      defaults = true;
      // prom-client's process metrics, first in the registry so the two gauges above read this
      // scrape's values. Its event-loop monitor runs from here on (it has no off switch).
      const mine = registry.getMetricsAsArray() as unknown as Metric[];
      registry.clear();
      collectDefaultMetrics({ register: registry, prefix: 'relay_hub_', eventLoopMonitoringPrecision: 20 });
      for (const metric of mine) registry.registerMetric(metric);
    },
    stop() {},
  };
}
