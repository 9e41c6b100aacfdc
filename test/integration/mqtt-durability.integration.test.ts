/**
 * The MQTT door through crashes and restarts of the headless hub (the CLI as shipped, a data
 * dir): a QoS 1 publish that got its PUBACK survives a SIGKILL right after it; a persistent
 * session (clean session 0) keeps its subscription and the QoS 1 messages queued while its
 * client was away across a restart; a taken MQTT port is said once and the rest of the hub runs.
 */
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse } from '../../shared/api';
import { killClis, runCli, type Cli } from '../support/cli';
import { killMosquittos, mosquittoPub, mosquittoRun, python } from '../support/mqtt';
import { postJson, rawRequest } from '../support/relay';

afterEach(() => {
  killMosquittos();
  killClis();
});

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-mqtt-'));

/** Starts the CLI with MQTT on `mqttPort` (0: any free port); resolves with the MQTT port it printed. */
async function cliWithMqtt(
  dataDir: string,
  port: number,
  mqttPort: number,
  extra: string[] = [],
): Promise<Cli & { mqtt: number }> {
  const cli = await runCli(dataDir, port, ['--mqtt-port', String(mqttPort), ...extra]);
  const mqtt = Number(/MQTT: mqtt:\/\/[^:]+:(\d+)/.exec(cli.stdout())?.[1]);
  if (!Number.isInteger(mqtt) || mqtt === 0) throw new Error(`no MQTT address printed: ${cli.stdout()}`);
  return { ...cli, mqtt };
}

async function history(port: number, topic: string): Promise<string[]> {
  const res = await rawRequest(port, 'GET', `/history/${topic}?limit=1000`);
  return res.status === 404 ? [] : (res.json as HistoryResponse).messages.map((m) => String(m.message));
}

describe('MQTT through crashes and restarts', () => {
  it('keeps a QoS 1 message whose PUBACK came, through a SIGKILL right after it', async () => {
    const dataDir = tempDir();
    const first = await cliWithMqtt(dataDir, 0, 0);
    expect(first.stdout()).toMatch(/mosquitto_sub -h \S+ -p \d+ -t '#' -v/);
    // paho publishes QoS 1 messages one after another; each PUBACK is printed as it comes.
    const script = `
import sys, paho.mqtt.client as mqtt
c = mqtt.Client(client_id="crash")
c.connect("127.0.0.1", int(sys.argv[1]))
c.loop_start()
for i in range(50):
    info = c.publish("crash/log", "m%d" % i, qos=1)
    info.wait_for_publish(5)
    print("acked m%d" % i, flush=True)
`;
    const acked = await python(script, [String(first.mqtt)]);
    const killed = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await killed;
    const lines = acked.trim().split('\n');
    expect(lines).toHaveLength(50);
    const second = await cliWithMqtt(dataDir, first.port, 0);
    expect(await history(second.port, 'crash/log')).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  }, 60_000);

  it('keeps a persistent session’s subscription and queued QoS 1 messages across a restart', async () => {
    const dataDir = tempDir();
    const first = await cliWithMqtt(dataDir, 0, 0);
    // Subscribe with clean session 0 (-c), then leave.
    const join = await mosquittoRun('mosquitto_sub', first.mqtt, [
      '-c',
      '-i',
      'kept',
      '-q',
      '1',
      '-t',
      'inbox/#',
      '-W',
      '1',
    ]);
    expect(join.code).not.toBe(-1);
    await postJson(first.port, '/publish', { topic: 'inbox/a', message: 'while away 1' });
    // QoS 1 for MQTT subscribers: an MQTT publisher's QoS 1.
    await mosquittoPub(first.mqtt, ['-q', '1', '-t', 'inbox/b', '-m', 'while away 2']);
    const stopped = once(first.child, 'exit');
    first.child.kill('SIGTERM');
    await stopped;

    const second = await cliWithMqtt(dataDir, first.port, first.mqtt);
    await mosquittoPub(second.mqtt, ['-q', '1', '-t', 'inbox/c', '-m', 'after the restart']);
    // Back with clean session 0: the session is there, with what was queued.
    const back = await mosquittoRun('mosquitto_sub', second.mqtt, [
      '-c',
      '-i',
      'kept',
      '-q',
      '1',
      '-t',
      'inbox/#',
      '-v',
      '-W',
      '2',
    ]);
    expect(back.stdout.trim().split('\n')).toEqual(['inbox/b while away 2', 'inbox/c after the restart']);
  }, 60_000);

  it('says "MQTT off: port N in use" once when the MQTT port is taken, and serves HTTP', async () => {
    const squatter = createServer();
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const taken = (squatter.address() as { port: number }).port;
    try {
      const cli = await runCli(tempDir(), 0, ['--mqtt-port', String(taken)]);
      expect(cli.stdout()).toContain(`MQTT off: port ${taken} in use — change it in Settings`);
      expect(cli.stderr().match(/in use/g)).toHaveLength(1);
      expect((await postJson(cli.port, '/publish', { topic: 'a', message: 'fine' })).status).toBe(200);
    } finally {
      squatter.close();
    }
  }, 30_000);
});
