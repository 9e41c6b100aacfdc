/** The headless hub as a real child process (the CLI bundle as shipped), for crash and restart tests. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildCli } from './relay';

/** A running CLI hub. */
export interface Cli {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stderr: () => string;
  stdout: () => string;
}

const children: ChildProcessWithoutNullStreams[] = [];
let bundle: Promise<string> | null = null;

/** Kills every CLI started by `runCli` that still runs (call in afterEach). */
export function killClis(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

/** Spawns the CLI bundle with `args` (killed by `killClis`); NODE_PATH finds the dependencies. */
export async function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildProcessWithoutNullStreams> {
  bundle ??= buildCli();
  const child = spawn(process.execPath, [await bundle, ...args], {
    // MQTT off unless a test asks (never the default ports 1883 and 8883).
    env: {
      ...process.env,
      NODE_PATH: join(process.cwd(), 'node_modules'),
      RELAY_HUB_MQTT_PORT: 'off',
      RELAY_HUB_MQTTS_PORT: 'off',
      ...env,
    },
  });
  children.push(child);
  return child;
}

/**
 * Starts the CLI on 127.0.0.1:`port` with `dataDir` (heartbeat and register rate off unless
 * `extra` says otherwise) and resolves once it prints its URLs.
 */
export async function runCli(
  dataDir: string,
  port: number,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<Cli> {
  const args = ['--host', '127.0.0.1', '--port', String(port), '--heartbeat-ms', '0', '--register-rate', '0'];
  const child = await spawnCli([...args, ...extra], { RELAY_HUB_DATA_DIR: dataDir, ...env });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  while (!/Register a device/.test(out)) {
    if (child.exitCode !== null) throw new Error(`exited: ${out}${err}`);
    await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
  }
  return { child, port: Number(/listening on .*:(\d+)/.exec(out)?.[1]), stderr: () => err, stdout: () => out };
}
