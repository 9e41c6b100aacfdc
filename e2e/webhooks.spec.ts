/**
 * The Webhooks view: the operator adds a hook to a real receiver, a publish reaches it, the row
 * shows the last status, the backlog and the deliveries, "Send test" answers, Remove removes.
 * Stream listeners show in the Clients view with their protocol.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publish } from './devices';
import { expect, test } from './fixtures';

test('the operator adds a webhook, sees it deliver, tests and removes it', async ({ page, hub }) => {
  const bodies: string[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-webhooks').click();
    await page.getByTestId('webhook-url').fill(url);
    await page.getByTestId('webhook-filters').fill('sensors/#');
    await page.getByTestId('webhook-add').click();
    const row = page.getByTestId('webhook-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(url);

    await publish(hub.baseUrl, { topic: 'sensors/t', message: '21.5' });
    await expect.poll(() => bodies.length).toBe(1);
    expect(JSON.parse(bodies[0] as string)).toMatchObject({ topic: 'sensors/t', message: '21.5', offset: 1 });
    await expect(row).toContainText('204');
    await expect(page.getByTestId('webhook-backlog')).toHaveText('0');

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row).toContainText(/HTTP 204 in \d+ ms/);
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    receiver.close();
  }
});

test('an SSE listener shows in the Clients view', async ({ page, hub }) => {
  await page.goto(hub.dashboardUrl);
  const listener = await fetch(`${hub.baseUrl}/sse?topic=lobby`);
  expect(listener.status).toBe(200);
  await expect(page.getByTestId('client-row')).toHaveCount(1);
  await expect(page.getByTestId('client-row')).toContainText('lobby');
  await listener.body?.cancel();
  await expect(page.getByTestId('client-row')).toHaveCount(0);
});
