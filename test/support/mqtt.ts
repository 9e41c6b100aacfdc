/**
 * MQTT clients nobody here wrote, for the MQTT door's tests: Debian's `mosquitto_sub` and
 * `mosquitto_pub` as child processes, Debian's paho (python3-paho-mqtt) through small scripts,
 * and MQTT.js from npm. Every helper talks to a port the test gives (never 1883). And the MQTT
 * tests' setup: hubs with MQTT on a free port, and MQTT.js clients, that `closeMqtt()` (the
 * tests' afterEach) closes with every other thing a test handed to `closeAfter`.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { RelayOptions } from '../../electron/relay/index';
import { postJson, startHub, type TestHub } from './relay';

const run = promisify(execFile);

/** A running `mosquitto_sub` and the lines it printed. */
export interface MosquittoSub {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the lines once there are `count`. */
  waitFor(count: number, timeoutMs?: number): Promise<string[]>;
  /** Its exit code and stderr, once it has exited. */
  exited: Promise<{ code: number | null; stderr: string }>;
}

const children: ChildProcessWithoutNullStreams[] = [];

/** Kills every `mosquitto_sub` still running (call in afterEach). */
export function killMosquittos(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Starts `mosquitto_sub -p <port> <args>`, resolves once it is subscribed (its `-d` debug output
 * shows SUBACK; those lines are not in `lines`).
 */
export async function mosquittoSub(port: number, args: string[]): Promise<MosquittoSub> {
  // Line-buffered (stdbuf): its debug lines say when it is subscribed.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-d', ...args]);
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let subscribed = false;
  let buffer = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (/^Client \S+ (sending|received) /.test(line)) {
        if (/received SUBACK/.test(line)) subscribed = true;
        if (/received CONNACK \((?!0\))/.test(line)) subscribed = true; // refused: nothing to wait for
      } else if (!/^Subscribed \(mid/.test(line)) lines.push(line);
      for (const wake of waiters.splice(0)) wake();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  const changed = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));
  while (!subscribed && child.exitCode === null) await Promise.race([changed(), exited]);
  return {
    child,
    lines,
    exited,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.length < count) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`mosquitto_sub has ${lines.length} of ${count} lines: ${lines.join(' | ')} ${stderr}`);
        }
        await Promise.race([changed(), exited, new Promise((r) => setTimeout(r, 100))]);
      }
      return lines.slice(0, count);
    },
  };
}

/** Runs `mosquitto_pub -p <port> <args>` to its end; resolves with its output (rejects on failure). */
export async function mosquittoPub(port: number, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args]);
}

/** Runs a mosquitto tool and resolves with its exit code and output, failing or not. */
export async function mosquittoRun(
  tool: 'mosquitto_pub' | 'mosquitto_sub',
  port: number,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tool, ['-h', '127.0.0.1', '-p', String(port), ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs a Python (paho) script with `/usr/bin/python3`; resolves with its stdout. */
export async function python(script: string, args: string[] = []): Promise<string> {
  const { stdout } = await run('/usr/bin/python3', ['-c', script, ...args], { timeout: 30_000 });
  return stdout;
}

/** An MQTT.js client, connected (rejects when refused). */
export async function mqttJs(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

/** The next `count` messages an MQTT.js client gets, as [topic, payload, packet]. */
export function nextMessages(
  client: MqttClient,
  count: number,
  timeoutMs = 10_000,
): Promise<{ topic: string; payload: Buffer; retain: boolean; qos: number }[]> {
  return new Promise((resolve, reject) => {
    const got: { topic: string; payload: Buffer; retain: boolean; qos: number }[] = [];
    const timer = setTimeout(() => {
      client.removeListener('message', onMessage);
      reject(new Error(`got ${got.length} of ${count} MQTT messages`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean; qos: number }): void => {
      got.push({ topic, payload, retain: packet.retain, qos: packet.qos });
      if (got.length < count) return;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve(got);
    };
    client.on('message', onMessage);
  });
}

/** A started hub with MQTT over TCP, and its MQTT port. */
export type MqttHub = TestHub & { mqtt: number };

const hubs: TestHub[] = [];
const closers: (() => unknown)[] = [];

/** The MQTT-over-TCP port of a started hub (throws when it has none). */
export function mqttPortOf(hub: TestHub): number {
  const port = hub.relay.address()?.mqtt?.port;
  if (typeof port !== 'number') throw new Error('no MQTT port');
  return port;
}

/** Starts a hub with MQTT over TCP on a free port (see `startHub`), stopped by `closeMqtt()`. */
export async function mqttHub(options: Partial<RelayOptions> = {}): Promise<MqttHub> {
  const hub = await startHub({ mqttPort: 0, ...options });
  hubs.push(hub);
  return { ...hub, mqtt: mqttPortOf(hub) };
}

/** An MQTT.js client (see `mqttJs`), ended at once by `closeMqtt()`. */
export async function mqttClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqttJs(url, options);
  closeAfter(() => client.endAsync(true));
  return client;
}

/** Runs `close` in `closeMqtt()`, with the clients, before the hubs stop. */
export function closeAfter(close: () => unknown): void {
  closers.push(close);
}

/**
 * Closes what the test opened (call in afterEach): kills the `mosquitto_sub`s, ends the MQTT.js
 * clients and runs what was given to `closeAfter`, then stops the hubs of `mqttHub`.
 */
export async function closeMqtt(): Promise<void> {
  killMosquittos();
  await Promise.all(closers.splice(0).map((close) => close()));
  await Promise.all(hubs.splice(0).map((hub) => hub.relay.stop()));
}

/** Retained messages on `kept/…` at every QoS: mosquitto_pub at 0, 1 and 2, HTTP (0) and the GUI (2). */
export async function retainEach(hub: TestHub, mqttPort: number): Promise<void> {
  await mosquittoPub(mqttPort, ['-t', 'kept/zero', '-m', 'at most once', '-r', '-q', '0']);
  await mosquittoPub(mqttPort, ['-t', 'kept/one', '-m', 'at least once', '-r', '-q', '1']);
  await mosquittoPub(mqttPort, ['-t', 'kept/two', '-m', 'exactly once', '-r', '-q', '2']);
  const http = await postJson(hub.port, '/publish', { topic: 'kept/http', message: 'over HTTP', retain: true });
  if (http.status !== 200) throw new Error(`POST /publish answered ${http.status}`);
  await hub.relay.publish({ topic: 'kept/gui', message: 'from the GUI', retain: true, qos: 2 }, 'gui');
}

/** What `retainEach` left, as a QoS 2 `mosquitto_sub -F '%q %r %t %p'` gets it, sorted. */
export const retainedAtTwo: readonly string[] = [
  '0 1 kept/http over HTTP',
  '0 1 kept/zero at most once',
  '1 1 kept/one at least once',
  '2 1 kept/gui from the GUI',
  '2 1 kept/two exactly once',
];
