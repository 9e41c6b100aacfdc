/**
 * MQTT across a cluster of hubs on a real redis-server: an MQTT subscriber on hub B gets a publish
 * made over MQTT on hub A (and one made over HTTP), a QoS 1 PUBACK on A comes once the cluster has
 * counted, and a retained message published over MQTT on A reaches a new MQTT subscriber on B. The
 * publish's QoS travels with it: a subscriber on B gets it at the lower of the publish's and its
 * subscription's QoS, as one on A does (from mosquitto_pub and from the GUI), a persistent
 * session away from B has its QoS 1/2 messages queued there, and what B gets late after being cut
 * off from Redis keeps its QoS too. A retained message keeps it as well: set on A, it goes to a new
 * subscriber on B (which had it from the bus) and on a hub that joins later (from Redis) at its QoS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, waitForMembers, waitForState, type TestCluster } from '../support/cluster';
import { Gate } from '../support/gate';
import {
  closeMqtt,
  mosquittoPub,
  mosquittoRun,
  mosquittoSub,
  mqttHub,
  mqttPortOf,
  retainEach,
  retainedAtTwo,
} from '../support/mqtt';
import { startRedis, type TestRedis } from '../support/redis';
import { postJson, type TestHub } from '../support/relay';
import { waitFor } from '../support/sdk';

let cluster: TestCluster | null = null;
let redis: TestRedis | null = null;
let gate: Gate | null = null;
afterEach(async () => {
  await closeMqtt();
  await cluster?.stop();
  cluster = null;
  await gate?.shut();
  gate = null;
  await redis?.stop();
  redis = null;
});

/** `mosquitto_sub` printing each message as `<qos> <topic> <payload>`. */
const withQos = ['-F', '%q %t %p'];

describe('MQTT in a cluster', () => {
  it('delivers a publish made over MQTT on hub A to an MQTT subscriber on hub B, and shares retained messages', async () => {
    cluster = await startCluster(2, { mqttPort: 0 });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const sub = await mosquittoSub(mqttPortOf(b), ['-t', 'plant/#', '-v', '-q', '1']);
    await mosquittoPub(mqttPortOf(a), ['-t', 'plant/pump', '-m', 'on', '-q', '1']);
    await postJson(a.port, '/publish', { topic: 'plant/valve', message: 'closed' });
    expect(await sub.waitFor(2)).toEqual(['plant/pump on', 'plant/valve closed']);

    await mosquittoPub(mqttPortOf(a), ['-t', 'plant/level', '-m', '73%', '-r', '-q', '1']);
    const later = await mosquittoSub(mqttPortOf(b), ['-t', 'plant/level', '-F', '%r %t %p']);
    expect(await later.waitFor(1)).toEqual(['1 plant/level 73%']);
    // A retained message goes out at its QoS (at most the subscription's) from every hub, as from one.
    const [onA, onB] = await Promise.all(
      [a, b].map((hub) => mosquittoSub(mqttPortOf(hub), ['-t', 'plant/level', '-q', '2', '-F', '%q %r %t %p'])),
    );
    expect(await onA?.waitFor(1)).toEqual(['1 1 plant/level 73%']);
    expect(await onB?.waitFor(1)).toEqual(['1 1 plant/level 73%']);
  }, 30_000);

  it('delivers on hub B at the lower of the publish’s and the subscription’s QoS, as on hub A (MQTT and GUI publishes)', async () => {
    cluster = await startCluster(2, { mqttPort: 0 });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const [localAt2, remoteAt2, remoteAt1] = await Promise.all([
      mosquittoSub(mqttPortOf(a), ['-t', 'qos/#', '-q', '2', ...withQos]),
      mosquittoSub(mqttPortOf(b), ['-t', 'qos/#', '-q', '2', ...withQos]),
      mosquittoSub(mqttPortOf(b), ['-t', 'qos/#', '-q', '1', ...withQos]),
    ]);
    await mosquittoPub(mqttPortOf(a), ['-t', 'qos/one', '-m', 'at least once', '-q', '1']);
    await mosquittoPub(mqttPortOf(a), ['-t', 'qos/two', '-m', 'exactly once', '-q', '2']);
    await mosquittoPub(mqttPortOf(a), ['-t', 'qos/zero', '-m', 'at most once', '-q', '0']);
    // The GUI's publish form sets the QoS MQTT subscribers get (its command calls this); HTTP has none.
    await a.relay.publish({ topic: 'qos/gui', message: 'from the GUI', qos: 2 }, 'gui');
    await postJson(a.port, '/publish', { topic: 'qos/http', message: 'over HTTP' });
    const expected = [
      '0 qos/http over HTTP',
      '0 qos/zero at most once',
      '1 qos/one at least once',
      '2 qos/gui from the GUI',
      '2 qos/two exactly once',
    ];
    const sorted = async (sub: typeof localAt2): Promise<string[]> => (await sub.waitFor(5)).sort();
    expect(await sorted(localAt2)).toEqual(expected);
    expect(await sorted(remoteAt2)).toEqual(expected);
    expect(await sorted(remoteAt1)).toEqual(expected.map((line) => line.replace(/^2/, '1')).sort());
  }, 30_000);

  it('sends a retained message set on hub A at its own QoS from hub B and from a hub that joins later', async () => {
    cluster = await startCluster(2, { mqttPort: 0 });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    await retainEach(a, mqttPortOf(a));
    const atTwo = retainedAtTwo;
    // A hub that joins now reads the retained messages from Redis.
    const c = await mqttHub({ broker: cluster.redis.url });
    await waitForMembers(c, 3);
    const subscribe = (port: number, qos: string) =>
      mosquittoSub(port, ['-t', 'kept/#', '-q', qos, '-F', '%q %r %t %p']);
    const [onB, onC, onBAtZero] = await Promise.all([
      subscribe(mqttPortOf(b), '2'),
      subscribe(c.mqtt, '2'),
      subscribe(mqttPortOf(b), '0'),
    ]);
    const sorted = async (sub: typeof onB): Promise<string[]> => (await sub.waitFor(5)).sort();
    expect(await sorted(onB)).toEqual(atTwo);
    expect(await sorted(onC)).toEqual(atTwo);
    expect(await sorted(onBAtZero)).toEqual(atTwo.map((line) => line.replace(/^\d/, '0')).sort());
  }, 30_000);

  it('queues QoS 1 and 2 publishes made on hub A for a persistent session away from hub B', async () => {
    cluster = await startCluster(2, { mqttPort: 0 });
    const [a, b] = cluster.hubs as [TestHub, TestHub];
    const session = ['-c', '-i', 'away-on-b', '-q', '2', '-t', 'inbox/#'];
    // Subscribes with clean session 0, then leaves.
    expect((await mosquittoRun('mosquitto_sub', mqttPortOf(b), [...session, '-E'])).code).toBe(0);
    await waitFor(() => b.relay.client('mqtt:away-on-b')?.connected === false, 'the session away');
    await mosquittoPub(mqttPortOf(a), ['-t', 'inbox/one', '-m', 'kept at QoS 1', '-q', '1']);
    await mosquittoPub(mqttPortOf(a), ['-t', 'inbox/two', '-m', 'kept at QoS 2', '-q', '2']);
    await mosquittoPub(mqttPortOf(a), ['-t', 'inbox/zero', '-m', 'not kept', '-q', '0']);
    // The QoS 1/2 PUBACKs came once hub B had counted its delivery: queued there by then.
    expect(b.relay.client('mqtt:away-on-b')?.mqtt?.queued).toBe(2);
    const back = await mosquittoRun('mosquitto_sub', mqttPortOf(b), [...session, ...withQos, '-W', '2']);
    expect(back.stdout.trim().split('\n')).toEqual(['1 inbox/one kept at QoS 1', '2 inbox/two kept at QoS 2']);
  }, 30_000);

  it('delivers late at their QoS the publishes made on hub A while hub B was cut off from Redis', async () => {
    redis = await startRedis();
    gate = await Gate.open(redis.port);
    const a = await mqttHub({ broker: redis.url });
    const b = await mqttHub({ broker: `redis://127.0.0.1:${gate.port}/0` });
    await waitForMembers(a, 2);
    await waitForMembers(b, 2);
    const sub = await mosquittoSub(b.mqtt, ['-t', 'late/#', '-q', '2', ...withQos]);
    await gate.shut();
    await waitForState(b, 'degraded');
    await mosquittoPub(a.mqtt, ['-t', 'late/one', '-m', 'while B was away', '-q', '1']);
    await mosquittoPub(a.mqtt, ['-t', 'late/two', '-m', 'while B was away', '-q', '2']);
    expect(sub.lines).toEqual([]);
    await gate.reopen();
    await waitForState(b, 'up');
    // Read back from Redis's history when B rejoins, with the QoS each was published with.
    expect((await sub.waitFor(2)).sort()).toEqual(['1 late/one while B was away', '2 late/two while B was away']);
    expect(b.relay.cluster()).toMatchObject({ late: 2, missed: 0 });
  }, 30_000);
});
