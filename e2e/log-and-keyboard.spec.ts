import { publish } from './devices';
import { expect, test } from './fixtures';

test('the live log shows hub events, holds new lines while paused and filters them', async ({ page, hub, device }) => {
  await device(4, ['cats']);
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('log-row').filter({ hasText: 'connected' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Pause' }).click();
  expect(await publish(hub.baseUrl, { topic: 'cats', message: 'while paused' })).toBe(1);
  await expect(page.getByText('Paused — 1 new line waiting')).toBeVisible();
  await expect(page.getByTestId('log-row').filter({ hasText: 'published to cats' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('log-row').first()).toContainText('published to cats');

  await page.getByTestId('log-filter').fill('published');
  await expect(page.getByTestId('log-row')).toHaveCount(1);
});

test('the GUI is usable from the keyboard', async ({ page, hub, device }) => {
  await device(8, ['keys']);
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-row')).toHaveCount(1);
  const clientsTab = page.getByRole('tab', { name: /Clients/ });
  await clientsTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: /Users/ })).toBeFocused();
  await expect(page.getByRole('tab', { name: /Users/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(clientsTab).toHaveAttribute('aria-selected', 'true');

  // Tab order from the tabs: filter, connection state, then the table's sort buttons and the row's button.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('client-filter')).toBeFocused();
  await page.keyboard.type('keys');
  await expect(page.getByTestId('client-count')).toHaveText('1 client');
  await page.screenshot({ path: 'test-results/screenshots/keyboard-focus.png' });
  // On with real Tab presses: the connection filter, the table (it scrolls), each sort button, the row's Unregister.
  const sortable = ['Client', 'User', 'Topics', 'Status', 'Address', 'Since', 'Sent', 'Buffered'];
  const stops = [
    page.getByRole('combobox', { name: 'Connection state' }),
    page.getByTestId('table-scroll'),
    ...sortable.map((name) => page.getByRole('columnheader').getByRole('button', { name, exact: true })),
    page.getByTestId('client-row').getByRole('button', { name: /^Unregister client/ }),
  ];
  for (const stop of stops) {
    await page.keyboard.press('Tab');
    await expect(stop).toBeFocused();
  }
  await page.keyboard.press('Enter');
  await expect(page.getByText('No devices registered yet')).toBeVisible();
});
