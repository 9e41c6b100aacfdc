/**
 * Registrations that do not pile up, in the GUI (issue 14): the clients table names devices and
 * shows stale ones (never connected, idle since), "Remove all disconnected for more than …" asks
 * with the count and removes exactly those, and the live log tells expiries by their reason.
 */
import WebSocket from 'ws';
import { once } from 'node:events';
import { connectDevice } from './devices';
import { expect, test } from './fixtures';
import { startHub } from './hub';

async function registerNamed(baseUrl: string, userId: number, name: string): Promise<{ id: string; url: string }> {
  const response = await fetch(`${baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId, name }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; url: string };
}

/** Connects to a socket URL, then closes: a registration that was seen once. */
async function connectOnce(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await once(socket, 'open');
  socket.close();
  await once(socket, 'close');
}

test('stale registrations are shown by name and state, and removed after a confirmation that counts them', async ({
  page,
  hub,
  device,
}) => {
  const live = await device(1, ['cats']);
  const bootA = await registerNamed(hub.baseUrl, 2, 'boot-a');
  await registerNamed(hub.baseUrl, 2, 'boot-b');
  const idle = await registerNamed(hub.baseUrl, 3, 'sensor-1');
  await connectOnce(idle.url);
  // Registering again by name gives the same registration back: no pile-up.
  expect((await registerNamed(hub.baseUrl, 2, 'boot-a')).id).toBe(bootA.id);

  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-row')).toHaveCount(4);
  const row = (name: string) => page.getByTestId('client-row').filter({ hasText: name });
  await expect(row('boot-a').getByRole('cell').nth(4)).toHaveText('Never connected');
  await expect(row('boot-b').getByRole('cell').nth(4)).toHaveText('Never connected');
  await expect(row('sensor-1').getByRole('cell').nth(4)).toHaveText(/^Idle since \d\d:\d\d$/);
  await expect(page.getByTestId(`client-row`).filter({ hasText: live.id.slice(0, 8) })).toContainText('Connected');
  await page.getByTestId('client-filter').fill('boot');
  await expect(page.getByTestId('client-row')).toHaveCount(2);
  await page.getByTestId('client-filter').fill('');

  const stale = page.getByTestId('remove-stale');
  await stale.getByLabel('Remove disconnected for more than').selectOption({ label: '1 hour' });
  await stale.getByRole('button', { name: 'Remove…' }).click();
  await expect(stale).toContainText('None is disconnected for more than 1 hour.');
  await stale.getByRole('button', { name: 'OK' }).click();

  await stale.getByLabel('Remove disconnected for more than').selectOption({ label: 'any time' });
  await stale.getByRole('button', { name: 'Remove…' }).click();
  await expect(stale.getByRole('group')).toContainText('Remove all 3 disconnected registrations?');
  await stale.getByRole('button', { name: 'Yes, remove 3' }).click();
  await expect(page.getByTestId('remove-stale-outcome')).toHaveText('Removed 3 registrations');
  await expect(page.getByTestId('client-row')).toHaveCount(1);
  await expect(page.getByTestId('client-row')).toContainText('Connected');
  const health = (await (await fetch(`${hub.baseUrl}/health`)).json()) as { registered: number };
  expect(health.registered).toBe(1);
});

test('the live log says why a registration expired: never connected, or idle too long', async ({ page }) => {
  const hub = await startHub({ args: ['--expire-unconnected-ms', '2000', '--expire-idle-ms', '3000'] });
  try {
    await page.goto(hub.dashboardUrl);
    const never = await registerNamed(hub.baseUrl, 5, 'never');
    const idle = await connectDevice(hub.baseUrl, 6, ['x']);
    idle.close();
    await idle.closed;
    await page.getByTestId('tab-log').click();
    const line = (text: string) => page.getByTestId('log-row').filter({ hasText: text });
    await expect(line(`user 5 ${never.id.slice(0, 8)}… expired: never connected`)).toHaveCount(1, { timeout: 15_000 });
    await expect(line(`user 6 ${idle.id.slice(0, 8)}… expired: idle too long`)).toHaveCount(1, { timeout: 15_000 });
    await page.getByTestId('tab-clients').click();
    await expect(page.getByText('No devices registered yet')).toBeVisible();
  } finally {
    await hub.stop();
  }
});
