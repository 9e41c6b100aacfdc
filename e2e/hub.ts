/**
 * A real headless hub for one test: `node dist/cli/relay-hub.cjs --host 127.0.0.1 --port 0 --dashboard`,
 * with its port and dashboard URL read from what it prints.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** A running hub process. */
export interface HubProcess {
  port: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The printed dashboard URL, token included (`…/dashboard/#token=…`). */
  dashboardUrl: string;
  token: string;
  /** Its data dir (a fresh one unless given). */
  dataDir: string;
  /** The MQTT port it printed (start it with `args: ['--mqtt-port', '0']`), or null: MQTT over TCP off. */
  mqttPort: number | null;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
  /** Kills it with SIGKILL (a crash: nothing is flushed or closed) and waits for the exit. */
  kill(): Promise<void>;
}

const listeningLine = /^Relay Hub listening on 127\.0\.0\.1:(\d+)$/;
const dashboardLine = /^Dashboard: (\S+#token=(\S+))$/;
const mqttLine = /^MQTT: mqtt:\/\/[^:]+:(\d+)/;

/**
 * Starts a hub (default: any free port, random token; `args`: more flags) and resolves once it
 * printed its port and dashboard URL.
 */
export async function startHub(
  options: { port?: number; token?: string; args?: string[]; dataDir?: string } = {},
): Promise<HubProcess> {
  const args = ['dist/cli/relay-hub.cjs', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--dashboard'];
  // A fresh data dir per hub: no registrations from other tests or from the user's own hub.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'relay-hub-e2e-'));
  args.push('--data-dir', dataDir);
  // The specs register thousands of devices from one address: no per-IP rate limits.
  args.push('--register-rate', '0', '--publish-rate', '0');
  if (options.token !== undefined) args.push('--dashboard-token', options.token);
  args.push(...(options.args ?? []));
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // MQTT off unless a spec's args turn it on (flags win): never the default ports 1883 and 8883.
    env: { ...process.env, RELAY_HUB_MQTT_PORT: 'off', RELAY_HUB_MQTTS_PORT: 'off' },
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = once(child, 'exit');
  const found: { port: number | null; url: string | null; token: string | null; mqtt: number | null } = {
    port: null,
    url: null,
    token: null,
    mqtt: null,
  };
  const lines = createInterface({ input: child.stdout });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start in 10 s: ${stderr.join('')}`)), 10_000);
      void exited.then(([code]) => reject(new Error(`hub exited with ${String(code)}: ${stderr.join('')}`)));
      lines.on('line', (line) => {
        const listening = listeningLine.exec(line.trim());
        if (listening?.[1] !== undefined) found.port = Number(listening[1]);
        const dash = dashboardLine.exec(line.trim());
        if (dash?.[1] !== undefined && dash[2] !== undefined) [found.url, found.token] = [dash[1], dash[2]];
        const mqtt = mqttLine.exec(line.trim());
        if (mqtt?.[1] !== undefined) found.mqtt = Number(mqtt[1]);
        if (found.port !== null && found.url !== null) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const { port, url, token } = found;
  if (port === null || url === null || token === null) throw new Error('unreachable: hub lines not parsed');
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dashboardUrl: url,
    token: decodeURIComponent(token),
    dataDir,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    get mqttPort() {
      return found.mqtt;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
