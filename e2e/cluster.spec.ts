import { connectDevice, register } from './devices';
import { expect, test } from './fixtures';
import { type HubProcess, startHub } from './hub';
import { startRedis, type TestRedis } from '../test/support/redis';
import WebSocket from 'ws';

test('the dashboard of a hub in a cluster shows the members, where each client is, and a banner while Redis is down', async ({
  page,
}) => {
  const hubs: HubProcess[] = [];
  let redis: TestRedis | null = null;
  const sockets: WebSocket[] = [];
  try {
    redis = await startRedis();
    const a = await startHub({ args: ['--broker', redis.url] });
    hubs.push(a);
    const b = await startHub({ args: ['--broker', redis.url] });
    hubs.push(b);
    // One device on each hub, both registered on A.
    const onA = await connectDevice(a.baseUrl, 1);
    const { id } = await register(a.baseUrl, 2);
    const onB = new WebSocket(`ws://127.0.0.1:${b.port}/ws/${id}`);
    sockets.push(onB);
    await new Promise((resolve) => onB.once('open', resolve));

    await page.goto(a.dashboardUrl);
    const panel = page.getByRole('region', { name: 'Cluster' });
    await expect(panel.getByRole('heading')).toHaveText('Cluster: 2 hubs, 2 devices connected');
    await expect(panel.getByTestId('cluster-member')).toHaveCount(2);
    await expect(panel.getByTestId('cluster-member').first()).toContainText('(this hub)');
    await expect(panel.getByTestId('cluster-member').nth(1)).toContainText(`http://127.0.0.1:${b.port}`);
    const rows = page.getByTestId('client-row');
    await expect(rows).toHaveCount(2);
    const hubOf = (clientId: string) => rows.filter({ hasText: clientId.slice(0, 8) }).locator('.client-hub');
    await expect(hubOf(onA.id)).toHaveText('on this hub');
    await expect(hubOf(id)).toHaveText(/^on \S+:\d+$/);
    await expect(hubOf(id)).toHaveText(
      `on ${await page.getByTestId('cluster-member').nth(1).locator('.cluster-member-name').textContent()}`,
    );
    await page.screenshot({ path: 'test-results/screenshots/cluster-light.png' });

    await redis.kill();
    const banner = page.getByTestId('cluster-banner');
    await expect(banner).toContainText('Cluster degraded: Redis at');
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(hubOf(id)).toHaveText('on another hub, out of reach');
    await page.screenshot({ path: 'test-results/screenshots/cluster-degraded-light.png' });
    await redis.restart();
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    await expect(panel.getByRole('heading')).toHaveText('Cluster: 2 hubs, 2 devices connected');
    onA.close();
  } finally {
    for (const socket of sockets) socket.close();
    for (const hub of hubs) await hub.stop();
    await redis?.stop();
  }
});
