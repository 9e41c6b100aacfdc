/** A real redis-server for the cluster spec: a free loopback port, its own temporary dir, killed at the end. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running (or killed) Redis. */
export interface RedisProcess {
  url: string;
  /** SIGKILL: an outage. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-e2e-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'];
  const current: { child: ChildProcess | null } = { child: null };
  const launch = async (): Promise<void> => {
    const next = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    current.child = next;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      next.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      next.once('exit', () => reject(new Error(`redis-server exited: ${out}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const { child } = current;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
