/**
 * A real `redis-server` (Debian's) for the cluster tests: started by the test on a free loopback
 * port with its own temporary data dir, never a system Redis. It can be killed (SIGKILL) and started
 * again on the same port and dir, as in an outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs it (`.ci/run` installs it when missing). */
export const redisServer = '/usr/bin/redis-server';

/** A running (or killed) test Redis. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/0` (with the password, when it has one). */
  readonly url: string;
  readonly dir: string;
  /** True while the process runs. */
  running(): boolean;
  /** SIGKILL: an outage (what was written to the AOF with `appendfsync always` survives). */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir. */
  restart(): Promise<void>;
  /** Stops it for good and removes its dir. */
  stop(): Promise<void>;
}

/** Options of a test Redis. */
export interface RedisOptions {
  /** Keep the data across a kill (AOF, fsync at every write). Default true. */
  persist?: boolean;
  /** `requirepass`. */
  password?: string;
  /** Serve TLS only (the hub then uses `rediss://`). */
  tls?: { cert: string; key: string };
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (the listener is closed before it is handed out). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a redis-server and resolves once it accepts connections. */
export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-redis-'));
  const persist = options.persist ?? true;
  const args = [
    ...['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'no'],
    ...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.tls === undefined
      ? ['--port', String(port)]
      : [
          ...['--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no'],
          ...['--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key],
        ]),
  ];
  const current: { child: ChildProcess | null } = { child: null };
  const launch = async (): Promise<void> => {
    const next = spawn(redisServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(next);
    next.once('exit', () => started.delete(next));
    current.child = next;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        if (!out.includes('Ready to accept connections')) return;
        next.off('exit', onExit);
        resolve();
      };
      const onExit = (): void => reject(new Error(`redis-server exited: ${out}`));
      next.stdout?.on('data', onData);
      next.once('exit', onExit);
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
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const scheme = options.tls === undefined ? 'redis' : 'rediss';
  return {
    port,
    url: `${scheme}://${auth}127.0.0.1:${port}/0`,
    dir,
    running: () => {
      const { child } = current;
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
