/**
 * The rate limits of a hub started with no flags (docs/rate-limits.md): a test script that
 * registers 1,000 devices from one address as fast as it can gets 1,000 × 200, and a flood from
 * that address (loopback included) still gets 429s. The CLI as shipped, only host, port and a
 * temp data dir given.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killClis, spawnCli } from '../support/cli';

afterEach(killClis);

/** Starts the CLI with no flags but where to listen; resolves with its port. */
async function startPlainHub(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-default-limits-'));
  const child = await spawnCli(['--host', '127.0.0.1', '--port', '0'], { RELAY_HUB_DATA_DIR: dataDir });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.resume(); // its log: read, so a full pipe never blocks the hub
  while (!/Register a device/.test(out)) {
    if (child.exitCode !== null) throw new Error(`exited: ${out}`);
    await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
  }
  return Number(/listening on .*:(\d+)/.exec(out)?.[1]);
}

/** `count` POST /register from 127.0.0.1 over `parallel` keep-alive connections, as fast as they are answered. */
async function registerMany(port: number, count: number, parallel = 16): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (userId: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ user_id: userId });
      const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/register', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (next < count) {
      const status = await one(next++);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  agent.destroy();
  return statuses;
}

describe('default rate limits (no flags)', () => {
  it('lets a script register 1,000 devices from one address at full speed, and refuses a flood with 429', async () => {
    const port = await startPlainHub();
    const started = performance.now();
    const script = await registerMany(port, 1_000);
    expect(Object.fromEntries(script)).toEqual({ 200: 1_000 });

    // The same address goes on as a flood: what the burst has left (1,000) and the rate (200/s)
    // pass, the rest is refused. Loopback is not exempt.
    const flood = await registerMany(port, 4_000);
    const seconds = (performance.now() - started) / 1000;
    const passed = flood.get(200) ?? 0;
    expect(flood.get(429) ?? 0).toBeGreaterThan(0);
    expect(passed + (flood.get(429) ?? 0)).toBe(4_000);
    expect(passed).toBeGreaterThanOrEqual(1_000);
    expect(passed).toBeLessThanOrEqual(1_000 + Math.ceil(200 * seconds) + 1);
  }, 60_000);
});
