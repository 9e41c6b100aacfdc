/**
 * Fuzz of the MQTT door: seeded MQTT byte sequences (valid packets from mqtt-packet, mutated,
 * reordered, split, or plain noise; see test/fuzz/mqtt.ts) on fresh connections to the TCP port
 * and to /mqtt (binary WebSocket frames, subprotocol mqtt). Every connection must be answered or
 * closed — never a crash or a hang — and afterwards an MQTT subscriber and a tutorial device
 * registered before the fuzz still get publishes, and no MQTT connection is left counted.
 * Reproduce with FUZZ_SEED=<seed printed>; scale with FUZZ_RUNS=<factor>.
 */
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../fuzz/gen';
import { mqttCase, type MqttCase } from '../fuzz/mqtt';
import { mqttJs, mqttPortOf, nextMessages } from '../support/mqtt';
import { Device, metricSample, postJson, register, startHub, type TestHub } from '../support/relay';

const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const runs = Math.round(400 * Number(process.env.FUZZ_RUNS ?? 1));
/** How long a case may stay open before the fuzzer cuts it (a hub waiting for more bytes is fine). */
const caseMs = 150;

let hub: TestHub;
let mqttPort = 0;
beforeAll(async () => {
  hub = await startHub({ mqttPort: 0, maxMessageBytes: 4 * 1024 });
  mqttPort = mqttPortOf(hub);
});
afterAll(async () => {
  await hub.relay.stop();
});

/** Resolves on the first of `events` (never rejects: an 'error' is followed by 'close'). */
function either(emitter: NodeJS.EventEmitter, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    for (const event of events) emitter.once(event, () => resolve());
  });
}

/** Writes a case on a TCP connection; resolves when the hub closed it or the time is up. */
async function overTcp(c: MqttCase): Promise<void> {
  const socket = connect(mqttPort, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  await either(socket, ['connect', 'close']);
  for (const chunk of c.chunks) if (!socket.destroyed) socket.write(chunk);
  await Promise.race([either(socket, ['close']), new Promise((resolve) => setTimeout(resolve, caseMs))]);
  socket.destroy();
}

/** Writes a case as binary frames on /mqtt. */
async function overWebSocket(c: MqttCase): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${hub.port}/mqtt`, 'mqtt');
  ws.on('error', () => {});
  await either(ws, ['open', 'close']);
  if (ws.readyState === WebSocket.OPEN) for (const chunk of c.chunks) ws.send(chunk);
  await Promise.race([either(ws, ['close']), new Promise((resolve) => setTimeout(resolve, caseMs))]);
  ws.terminate();
}

describe('MQTT fuzz', () => {
  it('survives seeded MQTT bytes on TCP and on /mqtt, and serves everyone afterwards', async () => {
    const { url } = await register(hub.port, 1);
    const device = await Device.connect(url);
    await device.setTopics(hub, ['after']);
    const listener = await mqttJs(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'listener' });
    await listener.subscribeAsync('after');

    const rng = new Rng(seed);
    const families = new Map<string, number>();
    const cases = Array.from({ length: runs }, () => mqttCase(rng));
    // Eight at a time, alternating the two listeners.
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(
        cases.slice(i, i + 8).map((c, j) => {
          families.set(c.family, (families.get(c.family) ?? 0) + 1);
          return (i + j) % 2 === 0 ? overTcp(c) : overWebSocket(c);
        }),
      );
    }
    console.log(`mqtt fuzz seed=${seed}: ${runs} cases ${JSON.stringify(Object.fromEntries(families))}`);

    const got = nextMessages(listener, 1);
    expect((await postJson(hub.port, '/publish', { topic: 'after', message: 'still serving' })).status).toBe(200);
    expect((await got)[0]?.payload.toString(), `FUZZ_SEED=${seed}`).toBe('still serving');
    await device.waitForMessages(1);
    expect(device.messages.at(-1)).toBe('still serving');
    await listener.endAsync();
    await device.close();
    // Every fuzz connection is gone, none left counted.
    const deadline = Date.now() + 5_000;
    while ((await metricSample(hub.port, 'relay_hub_mqtt_connections')) !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await metricSample(hub.port, 'relay_hub_mqtt_connections'), `FUZZ_SEED=${seed}`).toBe(0);
  }, 120_000);
});
