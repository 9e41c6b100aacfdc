/**
 * "Add a device" end to end (issue 14's proof): the dashboard makes a pairing, its link opens in
 * a second, phone-sized page that pairs and connects; the GUI publishes to it, it publishes back
 * to a real device, it shows up in the clients table by name and in the keys list; revoking its
 * key from the keys list disconnects it (4003) and the live log says why.
 */
import type { DeviceConfig } from '../shared/keys';
import { expect, test } from './fixtures';
import { openPhone, publishForm } from './pages';

test('a device added in the GUI pairs from its link on a phone, talks both ways, and is cut off by a revoke', async ({
  browser,
  page,
  hub,
  device,
}) => {
  const listener = await device(9, ['chat']);
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-keys').click();
  await expect(page.getByText('No device keys yet')).toBeVisible();
  await page.getByRole('button', { name: 'Add a device…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a device' });
  await dialog.getByLabel('Name').fill('Alice phone');
  await dialog.getByLabel('User id').fill('3');
  await dialog.getByLabel('Topics it may subscribe to').fill('chat, alerts/*');
  await dialog.getByRole('button', { name: 'Create the link' }).click();

  const link = (await dialog.getByTestId('pair-link').textContent()) ?? '';
  expect(link).toMatch(new RegExp(`^${hub.baseUrl}/device#pair=[\\w-]{16,64}$`));
  await expect(dialog.getByRole('img', { name: 'Phone link as a QR code' })).toBeVisible();
  await expect(dialog.getByTestId('pair-expiry')).toContainText('(10 minutes)');
  const board = JSON.parse((await dialog.getByTestId('pair-board').textContent()) ?? '') as DeviceConfig;
  expect(board).toEqual({
    hub: hub.baseUrl,
    key: expect.stringMatching(/^rhk_[0-9a-f]{8}_/) as unknown,
    user_id: 3,
    name: 'Alice phone',
  });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  const keyRow = page.getByTestId('key-row');
  await expect(keyRow).toHaveCount(1);
  await expect(keyRow).toContainText('Alice phone');
  await expect(keyRow).toContainText('Active');

  // The phone opens the link and pairs.
  const phone = await openPhone(browser);
  await phone.page.goto(link);
  await expect(phone.page.getByRole('status').first()).toHaveText('Connected');
  await expect(phone.page.getByText('Alice phone · user 3')).toBeVisible();

  // It shows up by name, with its key's device count.
  await expect(keyRow.getByRole('cell').nth(7)).toHaveText('1');
  await page.getByTestId('tab-clients').click();
  await expect(page.getByTestId('client-name')).toHaveText(['Alice phone']);
  const phoneRow = page.getByTestId('client-row').filter({ hasText: 'Alice phone' });
  await expect(phoneRow).toContainText('Connected');

  // The GUI publishes to it; it publishes back to a real device.
  await page.getByTestId('tab-send').click();
  await publishForm(page).getByLabel('Topic', { exact: true }).fill('chat');
  await publishForm(page).getByLabel('Message', { exact: true }).fill('hello phone');
  await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('publish-outcome')).toHaveText('Delivered to 2 clients');
  await expect(phone.page.getByRole('listitem').filter({ hasText: 'hello phone' })).toBeVisible();
  expect(await listener.next()).toBe('hello phone');
  await phone.page.getByRole('textbox', { name: 'Message' }).fill('hello from the phone');
  await phone.page.getByRole('button', { name: 'Send' }).tap();
  await expect(phone.page.getByText('Sent to 1 device')).toBeVisible();
  expect(await listener.next()).toBe('hello from the phone');
  await page.getByTestId('tab-clients').click();
  await expect(phoneRow.getByRole('cell').nth(8)).toHaveText('1'); // Published

  // Revoking its key from the keys list cuts it off at once, and says so everywhere.
  await page.getByTestId('tab-keys').click();
  await expect(keyRow.getByRole('cell').nth(5)).not.toHaveText('never'); // last used
  await keyRow.getByRole('button', { name: /^Revoke key Alice phone/ }).click();
  const confirm = page.getByRole('group', { name: 'Confirm: revoke key Alice phone' });
  await expect(confirm).toContainText('Its 1 device will be disconnected (close code 4003) and removed.');
  await confirm.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(keyRow).toContainText('Revoked');
  await expect(keyRow.getByRole('cell').nth(7)).toHaveText('0');
  await expect(phone.page.getByRole('alert')).toContainText('The operator revoked this device’s key');
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('log-row').filter({ hasText: 'removed: its device key was revoked' })).toHaveCount(1);
  await expect(page.getByTestId('log-row').filter({ hasText: '(revoked, code 4003)' })).toHaveCount(1);
  await page.getByTestId('tab-clients').click();
  await expect(page.getByTestId('client-name')).toHaveCount(0);
  expect(phone.problems).toEqual([]);
  await phone.page.context().close();
});

test('a key is created with its secret shown once, and a new device starts from its scope', async ({ page, hub }) => {
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-keys').click();
  await page.getByRole('button', { name: 'Create a key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a device key' });
  await dialog.getByRole('button', { name: 'Create the key' }).click();
  await expect(dialog.getByText('Users must list')).toHaveCount(0);
  await expect(dialog.getByText('Enter at least one user id')).toBeVisible();
  await dialog.getByLabel('Name').fill('greenhouse');
  await dialog.getByLabel('User ids').fill('7, 8');
  await dialog.getByLabel('Topics it may subscribe to').fill('sensors/*');
  await dialog.getByLabel('It may publish on the same topics').uncheck();
  await dialog.getByLabel('Topics it may publish on').fill('sensors/out');
  await dialog.getByLabel('Key expires').selectOption({ label: 'In 7 days' });
  await dialog.getByRole('button', { name: 'Create the key' }).click();
  const secret = (await dialog.getByTestId('key-secret').textContent()) ?? '';
  expect(secret).toMatch(/^rhk_[0-9a-f]{8}_/);

  // The secret works: it registers user 8, not user 9.
  const register = (userId: number) =>
    fetch(`${hub.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ user_id: userId }),
    });
  expect((await register(8)).status).toBe(200);
  expect((await register(9)).status).toBe(403);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const row = page.getByTestId('key-row');
  await expect(row).toContainText('greenhouse');
  await expect(row.getByRole('cell').nth(1)).toHaveText('7, 8');
  await expect(row.getByRole('cell').nth(6)).not.toHaveText('never'); // expires

  // "Add a device" from that key: its users and topics are copied into a new key.
  await page.getByRole('button', { name: 'Add a device…' }).click();
  const add = page.getByRole('dialog', { name: 'Add a device' });
  await expect(add.getByText('an existing key’s secret cannot be shown again')).toBeVisible();
  await add.getByLabel('Start from a key (optional)').selectOption({ index: 1 });
  await expect(add.getByLabel('Name')).toHaveValue('greenhouse');
  await expect(add.getByLabel('User id')).toHaveValue('7');
  await expect(add.getByLabel('Topics it may subscribe to')).toHaveValue('sensors/*');
  await expect(add.getByLabel('Topics it may publish on')).toHaveValue('sensors/out');
  await add.getByLabel('Name').fill('greenhouse-2');
  await add.getByRole('button', { name: 'Create the link' }).click();
  await expect(add.getByTestId('pair-link')).toBeVisible();
  await add.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('key-row')).toHaveCount(2);
  await expect(page.getByTestId('key-count')).toHaveText('2 keys, 2 active');
});
