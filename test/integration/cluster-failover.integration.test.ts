/**
 * Real CLI hubs (the bundle as shipped) in a cluster: `--broker` and `RELAY_HUB_BROKER`, a hub
 * killed with SIGKILL whose SDK devices move to another hub with their registrations and recover
 * what they missed, and `rediss://` with a password.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../shared/api';
import { connect, type DeviceMessage, type RecoveryResults, type RelayClient } from '../../client/index';
import { killClis, runCli, type Cli } from '../support/cli';
import { postJson, rawRequest } from '../support/relay';
import { startRedis, type TestRedis } from '../support/redis';
import { waitFor, waitForState } from '../support/sdk';

let redis: TestRedis | null = null;
const clients: RelayClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  killClis();
  await redis?.stop();
  redis = null;
});

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-cluster-cli-'));
const base = (cli: Cli): string => `http://127.0.0.1:${cli.port}`;

async function health(cli: Cli): Promise<HealthResponse> {
  return (await rawRequest(cli.port, 'GET', '/health')).json as HealthResponse;
}

describe('hubs of a cluster as processes', () => {
  it('moves SDK devices of a hub killed with SIGKILL to another hub, with their registrations, and recovers what they missed', async () => {
    redis = await startRedis();
    const a = await runCli(dataDir(), 0, ['--broker', redis.url]);
    const b = await runCli(dataDir(), 0, [], { RELAY_HUB_BROKER: redis.url });
    for (const cli of [a, b]) expect((await health(cli)).cluster).toMatchObject({ state: 'up' });

    const received = new Map<RelayClient, DeviceMessage[]>();
    const recoveries = new Map<RelayClient, RecoveryResults[]>();
    const registrations = new Map<RelayClient, number>();
    for (let i = 0; i < 5; i++) {
      const client = connect({
        hub: base(a),
        hubs: [base(b)],
        userId: i,
        topics: ['news'],
        WebSocket,
        reconnect: { baseMs: 50, capMs: 300 },
      });
      clients.push(client);
      received.set(client, []);
      recoveries.set(client, []);
      registrations.set(client, 0);
      client.on('message', (message) => received.get(client)?.push(message));
      client.on('recovery', (results) => recoveries.get(client)?.push(results));
      client.on('registered', () => registrations.set(client, (registrations.get(client) ?? 0) + 1));
    }
    for (const client of clients) await waitForState(client, 'open');
    await waitFor(() => clients.every((c) => recoveries.get(c)?.length === 1), 'first subscribes');
    const ids = clients.map((client) => client.id);

    for (let i = 1; i <= 3; i++) await postJson(b.port, '/publish', { topic: 'news', message: `before ${i}` });
    await waitFor(() => clients.every((c) => received.get(c)?.length === 3), 'the first three, across hubs');

    a.child.kill('SIGKILL');
    // Published while the devices find their way to B.
    for (let i = 1; i <= 5; i++) await postJson(b.port, '/publish', { topic: 'news', message: `missed ${i}` });
    await waitFor(() => clients.every((c) => c.state === 'open' && c.hub === base(b)), 'every device on B', 15_000);
    await postJson(b.port, '/publish', { topic: 'news', message: 'live' });
    await waitFor(() => clients.every((c) => received.get(c)?.length === 9), 'every message', 15_000);

    const expected = [1, 2, 3]
      .map((i) => `before ${i}`)
      .concat(
        [1, 2, 3, 4, 5].map((i) => `missed ${i}`),
        ['live'],
      );
    for (const client of clients) {
      const got = received.get(client) ?? [];
      expect(got.map((m) => m.message)).toEqual(expected);
      expect(got.map((m) => m.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(recoveries.get(client)?.at(-1)?.news).toMatchObject({ recovered: true });
      expect(registrations.get(client)).toBe(1);
    }
    expect(clients.map((client) => client.id)).toEqual(ids);
    expect((await health(b)).connected).toBe(5);
    // The killed hub drops out of the cluster once its heartbeat key expires.
    await waitForHubs(b, 1);
  }, 40_000);

  it('joins through rediss:// with a password in the URL, and never prints the password', async () => {
    const fixtures = join(process.cwd(), 'test/fixtures');
    redis = await startRedis({
      password: 'correct horse battery',
      tls: { cert: join(fixtures, 'test-cert.pem'), key: join(fixtures, 'test-key.pem') },
    });
    expect(redis.url).toMatch(/^rediss:\/\/:correct%20horse%20battery@127\.0\.0\.1:\d+\/0$/);
    const env = { NODE_EXTRA_CA_CERTS: join(fixtures, 'test-cert.pem') };
    const a = await runCli(dataDir(), 0, ['--broker', redis.url], env);
    const b = await runCli(dataDir(), 0, ['--broker', redis.url], env);
    expect((await health(a)).cluster).toMatchObject({ state: 'up' });
    await waitForHubs(a, 2);
    const { id } = (await postJson(a.port, '/register', { user_id: 1 })).json as { id: string };
    expect((await rawRequest(b.port, 'GET', `/ws/${id}`)).status).toBe(426);
    for (const cli of [a, b]) {
      expect(cli.stderr() + cli.stdout()).not.toMatch(/correct|horse|battery/);
      expect(cli.stderr()).toContain(`"broker":"rediss://127.0.0.1:${redis.port}/0"`);
    }
    // A wrong password: the hub starts, serves its own devices, and says why it is degraded.
    const wrong = await runCli(dataDir(), 0, ['--broker', redis.url.replace('battery', 'staple')], env);
    expect((await health(wrong)).status).toBe('degraded');
    expect(wrong.stderr()).toMatch(/cluster degraded/);
    expect(wrong.stderr()).not.toMatch(/staple|horse/);
  }, 40_000);
});

/** Waits until the CLI hub's /health counts `count` hubs. */
async function waitForHubs(cli: Cli, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if ((await health(cli)).cluster?.hubs === count) return;
    if (Date.now() > deadline) throw new Error(`the hub never counted ${count} hubs`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
