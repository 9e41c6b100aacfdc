/**
 * Retained messages keep the QoS they were published with (MQTT 3.1.1: a new subscriber gets one
 * at the lower of that QoS and its subscription's): mosquitto_pub -r at QoS 0, 1 and 2, an HTTP
 * `retain: true` publish (QoS 0) and the GUI's (a QoS of its own) reach new mosquitto_sub and
 * MQTT.js subscribers at QoS 2, 1 and 0 each at its own QoS; the same after a restart of the hub
 * on its data dir; and a retained message the previous version wrote to the data dir (which kept
 * no QoS) goes out at QoS 1, as that version sent it. `GET /history` and the hub's streams (what
 * the GUI's Topics view shows) carry each message's QoS when above 0. A cluster is in mqtt-cluster.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryItem, HistoryResponse } from '../../shared/api';
import {
  closeMqtt,
  mosquittoPub,
  mosquittoSub,
  mqttClient,
  mqttHub,
  nextMessages,
  retainEach,
  retainedAtTwo,
} from '../support/mqtt';
import { rawRequest } from '../support/relay';

afterEach(closeMqtt);

/** `mosquitto_sub` printing each message as `<qos> <retain flag> <topic> <payload>`. */
const withQos = ['-F', '%q %r %t %p'];

/** What new subscribers to `kept/#` at QoS 2, 1 and 0 get, each sorted. */
async function retainedAt(port: number, count: number): Promise<string[][]> {
  const subs = await Promise.all(
    ['2', '1', '0'].map((qos) => mosquittoSub(port, ['-t', 'kept/#', '-q', qos, ...withQos])),
  );
  return Promise.all(subs.map(async (sub) => (await sub.waitFor(count)).sort()));
}

/** What `retainEach` left, as subscribers at QoS 2, 1 and 0 get it. */
const atTwo = retainedAtTwo;
const capped = (lines: readonly string[], qos: number): string[] =>
  lines.map((line) => line.replace(/^\d/, (q) => String(Math.min(Number(q), qos)))).sort();

describe('MQTT retained messages keep their QoS', () => {
  it('sends each retained message at the lower of its own QoS and the subscription’s (mosquitto_pub, HTTP, GUI)', async () => {
    const hub = await mqttHub();
    await retainEach(hub, hub.mqtt);
    const [two, one, zero] = await retainedAt(hub.mqtt, 5);
    expect(two).toEqual(atTwo);
    expect(one).toEqual(capped(atTwo, 1));
    expect(zero).toEqual(capped(atTwo, 0));
    // MQTT.js reads the QoS off the PUBLISH it gets.
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    const got = nextMessages(client, 1);
    await client.subscribeAsync('kept/zero', { qos: 2 });
    expect(await got).toMatchObject([{ topic: 'kept/zero', qos: 0, retain: true }]);
    // A retained message replaced at another QoS goes out at the new one.
    await mosquittoPub(hub.mqtt, ['-t', 'kept/two', '-m', 'now at most once', '-r', '-q', '0']);
    const later = await mosquittoSub(hub.mqtt, ['-t', 'kept/two', '-q', '2', ...withQos]);
    expect(await later.waitFor(1)).toEqual(['0 1 kept/two now at most once']);
  }, 30_000);

  it('GET /history and the hub’s streams say the QoS of each message published above 0, and nothing at 0', async () => {
    const hub = await mqttHub();
    await retainEach(hub, hub.mqtt);
    await mosquittoPub(hub.mqtt, ['-t', 'kept/one', '-m', 'not retained', '-q', '2']);
    await mosquittoPub(hub.mqtt, ['-t', 'kept/one', '-m', 'at most once', '-q', '0']);
    /** Each message of a topic's history as `<message> <qos, or "-" when the field is absent>`. */
    const history = async (topic: string): Promise<string[]> => {
      const answer = await rawRequest(hub.port, 'GET', `/history/${encodeURIComponent(topic)}`);
      expect(answer.status).toBe(200);
      const shown = (item: HistoryItem): string => `${item.message} ${'qos' in item ? String(item.qos) : '-'}`;
      return (answer.json as HistoryResponse).messages.map(shown);
    };
    expect(await history('kept/one')).toEqual(['at least once 1', 'not retained 2', 'at most once -']);
    expect(await history('kept/two')).toEqual(['exactly once 2']);
    expect(await history('kept/gui')).toEqual(['from the GUI 2']);
    expect(await history('kept/zero')).toEqual(['at most once -']);
    expect(await history('kept/http')).toEqual(['over HTTP -']);
    // The retained message of each stream (the Topics view's "Retained" line) keeps its own.
    const retained = Object.fromEntries(hub.relay.streams().map((s) => [s.topic, s.retained?.qos ?? '-']));
    expect(retained).toEqual({ 'kept/zero': '-', 'kept/one': 1, 'kept/two': 2, 'kept/http': '-', 'kept/gui': 2 });
  }, 30_000);

  it('keeps each retained message’s QoS across a restart of the hub on its data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-retained-'));
    const first = await mqttHub({ dataDir });
    await retainEach(first, first.mqtt);
    await first.relay.stop();
    const second = await mqttHub({ dataDir });
    const [two, one, zero] = await retainedAt(second.mqtt, 5);
    expect(two).toEqual(atTwo);
    expect(one).toEqual(capped(atTwo, 1));
    expect(zero).toEqual(capped(atTwo, 0));
  }, 30_000);

  it('sends a retained message the previous version wrote (no QoS kept) at QoS 1, as that version did', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-retained-old-'));
    mkdirSync(join(dataDir, 'history'));
    // The history segment the previous version (d3d945e) wrote for one retained publish of
    // "kept by the previous version" on legacy/state: a publication record without QoS bits.
    const previous =
      '4b0000001f0eb2000101000000000000f03f00008056febc78420c0000006c65676163792f7374617465' +
      '0c7979544662715f46334c73796b657074206279207468652070726576696f75732076657273696f6e';
    writeFileSync(join(dataDir, 'history', '00000001.seg'), Buffer.from(previous, 'hex'));
    const hub = await mqttHub({ dataDir });
    expect(hub.relay.streams().find((s) => s.topic === 'legacy/state')?.retained).toMatchObject({
      message: 'kept by the previous version',
    });
    const [two, zero] = await Promise.all(
      ['2', '0'].map((qos) => mosquittoSub(hub.mqtt, ['-t', 'legacy/#', '-q', qos, ...withQos])),
    );
    expect(await two?.waitFor(1)).toEqual(['1 1 legacy/state kept by the previous version']);
    expect(await zero?.waitFor(1)).toEqual(['0 1 legacy/state kept by the previous version']);
  }, 30_000);
});
