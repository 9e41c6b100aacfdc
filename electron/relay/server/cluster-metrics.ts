/**
 * The cluster's part of `GET /metrics` (a hub with `--broker` only; absent otherwise): whether this
 * hub is in the cluster, its members with their addresses and device counts, and what crossed (or
 * could not cross) between hubs.
 */
import { Gauge, Registry } from 'prom-client';
import type { ClusterInfo } from '../../../shared/hub';
import { scrapedCounter, scrapedGauge } from './scraped';

/** The cluster metrics, read from `info()` when scraped. */
export function createClusterMetrics(info: () => ClusterInfo | null): { text(): Promise<string> } {
  const registry = new Registry();
  let current: ClusterInfo | null = null;
  const of = (read: (cluster: ClusterInfo) => number) => (): number | null => (current === null ? null : read(current));
  const gauge = (name: string, help: string, read: (cluster: ClusterInfo) => number): void =>
    scrapedGauge(registry, name, help, of(read));
  const counter = (name: string, help: string, read: (cluster: ClusterInfo) => number): void =>
    scrapedCounter(registry, name, help, of(read));
  gauge('relay_hub_cluster_up', '1 while this hub is a member of its cluster; 0 while joining or degraded.', (c) =>
    c.state === 'up' ? 1 : 0,
  );
  gauge('relay_hub_cluster_degraded', '1 while Redis is unreachable (the hub serves its own devices only).', (c) =>
    c.state === 'degraded' ? 1 : 0,
  );
  gauge('relay_hub_cluster_members', 'Live hubs of the cluster, this one included.', (c) => c.members.length);
  new Gauge({
    name: 'relay_hub_cluster_member_connections',
    help: 'Live device sockets on each hub of the cluster, by member id, name and first device URL.',
    labelNames: ['member', 'name', 'url'],
    registers: [registry],
    collect() {
      this.reset();
      for (const member of current?.members ?? []) {
        this.set({ member: member.id, name: member.name, url: member.urls[0] ?? '' }, member.connected);
      }
    },
  });
  counter('relay_hub_cluster_outages_total', 'Times this hub lost Redis.', (c) => c.outages);
  counter('relay_hub_cluster_received_total', 'Publications of other hubs delivered here.', (c) => c.received);
  counter(
    'relay_hub_cluster_unshared_publishes_total',
    'Publishes made here while Redis was unreachable: no other hub got them.',
    (c) => c.unshared,
  );
  counter(
    'relay_hub_cluster_late_publications_total',
    "Other hubs' publications delivered here late, when this hub rejoined after an outage.",
    (c) => c.late,
  );
  counter(
    'relay_hub_cluster_missed_publications_total',
    "Other hubs' publications this hub's devices never got (gone from Redis's history by the time it rejoined).",
    (c) => c.missed,
  );
  return {
    async text() {
      current = info();
      if (current === null) return '';
      return registry.metrics();
    },
  };
}
