/**
 * MQTT across a cluster of hubs on a real redis-server: an MQTT subscriber on hub B gets a publish
 * made over MQTT on hub A (and one made over HTTP), a QoS 1 PUBACK on A comes once the cluster has
 * counted, and a retained message published over MQTT on A reaches a new MQTT subscriber on B.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster';
import { killMosquittos, mosquittoPub, mosquittoSub } from '../support/mqtt';
import { postJson, type TestHub } from '../support/relay';

let cluster: TestCluster | null = null;
afterEach(async () => {
  killMosquittos();
  await cluster?.stop();
  cluster = null;
});

const mqttPort = (hub: TestHub): number => {
  const port = hub.relay.address()?.mqtt?.port;
  if (typeof port !== 'number') throw new Error('no MQTT port');
  return port;
};

describe('MQTT in a cluster', () => {
  it('delivers a publish made over MQTT on hub A to an MQTT subscriber on hub B, and shares retained messages', async () => {
    cluster = await startCluster(2, { mqttPort: 0 });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const sub = await mosquittoSub(mqttPort(b), ['-t', 'plant/#', '-v', '-q', '1']);
    await mosquittoPub(mqttPort(a), ['-t', 'plant/pump', '-m', 'on', '-q', '1']);
    await postJson(a.port, '/publish', { topic: 'plant/valve', message: 'closed' });
    expect(await sub.waitFor(2)).toEqual(['plant/pump on', 'plant/valve closed']);

    await mosquittoPub(mqttPort(a), ['-t', 'plant/level', '-m', '73%', '-r', '-q', '1']);
    const later = await mosquittoSub(mqttPort(b), ['-t', 'plant/level', '-F', '%r %t %p']);
    expect(await later.waitFor(1)).toEqual(['1 plant/level 73%']);
  }, 30_000);
});
