/**
 * LAN discovery for real, on multicast — but only inside a network namespace this test creates
 * (`unshare --net`: its own loopback, up, with multicast on and a route for 224.0.0.0/4), never on
 * the machine's interfaces. The headless hub (the CLI bundle as shipped) runs there with `--mdns`,
 * and the SDK's `discover()` (bundled from client/discover) finds it with the right port and TXT.
 * Where namespaces are not permitted, the test says so in one line and skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCli, bundleForNode } from '../support/relay';

const probe = spawnSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && ip link set lo multicast on'], {
  encoding: 'utf8',
});
const namespaces = probe.status === 0;
if (!namespaces) {
  console.warn(
    `SKIPPED mDNS discovery test: cannot create a network namespace here (unshare --net + ip: ${(probe.stderr || probe.error?.message || 'failed').trim()})`,
  );
}

// Runs inside the namespace: starts the hub with --mdns, discovers, prints the result as JSON.
const script = String.raw`
const { spawn } = require('node:child_process');
const [cli, discoverPath, dataDir, ...hubArgs] = process.argv.slice(2);
const { discover } = require(discoverPath);
const hub = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', '0', '--mdns', ...hubArgs], {
  env: { ...process.env, RELAY_HUB_DATA_DIR: dataDir, RELAY_HUB_MQTT_PORT: 'off' },
});
let out = '';
hub.stdout.on('data', async (chunk) => {
  out += chunk;
  const port = /listening on .*:(\d+)/.exec(out);
  if (!port || !/Register a device/.test(out) || hub.found) return;
  hub.found = true;
  const hubs = await discover({ timeoutMs: 1500 });
  hub.kill('SIGTERM');
  hub.on('exit', () => {
    process.stdout.write(JSON.stringify({ port: Number(port[1]), hubs }));
    process.exit(0);
  });
});
hub.stderr.on('data', (chunk) => process.stderr.write(chunk));
setTimeout(() => { hub.kill('SIGKILL'); console.error('timed out: ' + out); process.exit(2); }, 15000);
`;

function runInNamespace(cli: string, discoverPath: string, hubArgs: string[]): { port: number; hubs: unknown[] } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-mdns-'));
  const file = join(dir, 'inside.cjs');
  writeFileSync(file, script);
  const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';
  const quoted = [process.execPath, file, cli, discoverPath, join(dir, 'data'), ...hubArgs]
    .map((arg) => `'${arg}'`)
    .join(' ');
  const result = spawnSync('unshare', ['--net', 'sh', '-c', `${setup} && exec ${quoted}`], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') },
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`namespace run failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as { port: number; hubs: unknown[] };
}

describe.skipIf(!namespaces)('mDNS discovery inside a private network namespace', () => {
  it('discover() finds the headless hub with its port and TXT (open, then token)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-mdns-build-'));
    const [cli, discoverPath] = await Promise.all([
      buildCli(),
      bundleForNode('client/discover/index.ts', join(dir, 'discover.cjs')),
    ]);

    const open = runInNamespace(cli, discoverPath, []);
    expect(open.hubs).toHaveLength(1);
    expect(open.hubs[0]).toMatchObject({
      port: open.port,
      url: `http://127.0.0.1:${open.port}`,
      version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
      tls: false,
      auth: 'open',
    });
    expect((open.hubs[0] as { name: string }).name).toMatch(/^Relay Hub on /);

    const locked = runInNamespace(cli, discoverPath, ['--token', 'a-long-enough-access-token-0123']);
    expect(locked.hubs).toEqual([expect.objectContaining({ port: locked.port, auth: 'token', tls: false })]);
  }, 60_000);
});
