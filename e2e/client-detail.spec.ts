import { once } from 'node:events';
import WebSocket from 'ws';
import { publish } from './devices';
import { expect, test } from './fixtures';
import { clientRow } from './pages';

test('clicking a client opens its detail: counters, a reconnect’s close code, copy URL and unregister', async ({
  page,
  hub,
  device,
}) => {
  const phone = await device(12, ['kitchen', 'alerts']);
  await device(13, ['garage']);
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-row')).toHaveCount(2);
  await clientRow(page, phone.id).getByRole('cell').nth(1).click(); // anywhere on the row
  const detail = page.getByTestId('client-detail');
  await expect(detail).toContainText(phone.id);
  await expect(detail).toContainText('kitchen');
  await expect(detail.getByTestId('detail-status')).toHaveText('Connected');
  await expect(detail).toContainText('None since the hub started.');

  for (let i = 0; i < 3; i++) await publish(hub.baseUrl, { topic: 'kitchen', message: `hello ${i}` });
  await expect(detail.getByTestId('detail-sent')).toHaveText('3');

  // The device hangs up with its own code, then reconnects with the same URL.
  phone.socket.close(4321, 'rebooting');
  await phone.closed;
  await expect(detail.getByTestId('detail-status')).toHaveText('Waiting to connect');
  await expect(detail.getByTestId('disconnects')).toContainText('client closed code 4321');
  const again = new WebSocket(phone.url);
  await once(again, 'open');
  await expect(detail.getByTestId('detail-status')).toHaveText('Connected');
  // A second connection on the same id replaces the first (4001), newest first in the list.
  const againClosed = once(again, 'close');
  const replacing = new WebSocket(phone.url);
  const [code] = (await againClosed) as [number];
  expect(code).toBe(4001);
  await expect(detail.getByTestId('disconnects').locator('li').first()).toContainText('replaced code 4001');
  await expect(detail.getByTestId('disconnects').locator('li')).toHaveCount(2);

  await expect(detail.getByRole('button', { name: `Copy URL: ${phone.url}` })).toBeVisible();
  const replacingClosed = once(replacing, 'close');
  await detail.getByRole('button', { name: /^Unregister client/ }).click();
  await expect(async () => {
    await detail.getByRole('button', { name: /^Yes, unregister client/ }).click({ timeout: 1_000 });
    await expect(detail).toContainText('This registration no longer exists.', { timeout: 1_000 });
  }).toPass();
  const [closedWith] = (await replacingClosed) as [number];
  expect(closedWith).toBe(4000);
  await expect(detail).toContainText('This registration no longer exists.');
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  // The keyboard way in: the client id is a button.
  const other = page.getByTestId('client-row').first();
  await other.getByRole('button', { name: /^Details of client/ }).focus();
  await page.keyboard.press('Enter');
  await expect(detail).toContainText('garage');
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
});
