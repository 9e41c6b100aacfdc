/**
 * Test support for clusters: a real redis-server and several real hubs (port 0) sharing it, the
 * socket URL of a registration on another hub, and waiting for a hub's view of the cluster.
 */
import type { ClusterInfo } from '../../shared/hub';
import type { RelayOptions } from '../../electron/relay/index';
import { startHub, type TestHub } from './relay';
import { startRedis, type RedisOptions, type TestRedis } from './redis';
import { waitFor } from './sdk';

/** A Redis and the hubs that use it. */
export interface TestCluster {
  redis: TestRedis;
  hubs: TestHub[];
  /** Stops every hub, then Redis. */
  stop(): Promise<void>;
}

/** Starts Redis and `count` hubs on it (each started after the previous one joined). */
export async function startCluster(
  count: number,
  options: Partial<RelayOptions> = {},
  redisOptions: RedisOptions = {},
): Promise<TestCluster> {
  const redis = await startRedis(redisOptions);
  const hubs: TestHub[] = [];
  const cluster: TestCluster = {
    redis,
    hubs,
    async stop() {
      for (const hub of hubs.splice(0)) await hub.relay.stop();
      await redis.stop();
    },
  };
  try {
    for (let i = 0; i < count; i++) hubs.push(await startHub({ broker: redis.url, ...options }));
    // Every hub counts every other before a test relies on the receipts.
    for (const hub of hubs) await waitForMembers(hub, count);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** The socket URL of registration `id` on `hub`, in `format` (raw unless given). */
export function socketOn(hub: TestHub, id: string, query = ''): string {
  return `ws://127.0.0.1:${hub.port}/ws/${id}${query}`;
}

/** Waits until `hub` sees `count` live members. */
export async function waitForMembers(hub: TestHub, count: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => hub.relay.cluster()?.members.length === count, `${count} members`, timeoutMs);
}

/** Waits until `hub`'s cluster state is `state`. */
export async function waitForState(hub: TestHub, state: ClusterInfo['state'], timeoutMs = 10_000): Promise<void> {
  await waitFor(() => hub.relay.cluster()?.state === state, `cluster state ${state}`, timeoutMs);
}
