import { publish } from './devices';
import { download, parseCsv, parseNdjson } from './exports';
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
  // On with real Tab presses: the connection filter, Add a device, the stale-registration choice and its
  // button, the table (it scrolls), each sort button, the row's client (its details) and Unregister.
  const sortable = ['Client', 'User', 'Topics', 'Status', 'Address', 'Since', 'Sent', 'Published', 'Buffered'];
  const stops = [
    page.getByRole('combobox', { name: 'Connection state' }),
    page.getByRole('button', { name: 'Add a device…' }),
    page.getByRole('combobox', { name: 'Remove disconnected for more than' }),
    page.getByRole('button', { name: 'Remove…' }),
    page.getByTestId('table-scroll'),
    ...sortable.map((name) => page.getByRole('columnheader').getByRole('button', { name, exact: true })),
    page.getByTestId('client-row').getByRole('button', { name: /^Details of client/ }),
    page.getByTestId('client-row').getByRole('button', { name: /^Unregister client/ }),
  ];
  for (const stop of stops) {
    await page.keyboard.press('Tab');
    await expect(stop).toBeFocused();
  }
  // Enter asks (Cancel takes the focus); Shift+Tab then Enter confirms.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('unregister-cancel')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(async () => {
    await page.keyboard.press('Enter');
    await expect(page.getByText('No devices registered yet')).toBeVisible({ timeout: 1_000 });
  }).toPass();
});

test('the live log exports what it shows, oldest first, to NDJSON and CSV', async ({ page, hub, device }) => {
  await device(4, ['cats']);
  await device(5, ['dogs']);
  await publish(hub.baseUrl, { topic: 'cats', message: 'one' });
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-log').click();
  await page.getByTestId('log-filter').fill('user');
  await expect(page.getByTestId('log-row')).toHaveCount(6); // registered, connected, subscribed × 2
  const shown = await page
    .getByTestId('log-row')
    .evaluateAll((rows) => rows.map((row) => row.querySelectorAll('[role=cell]')[2]?.textContent ?? ''));

  const ndjson = await download(page, () => page.getByRole('button', { name: 'Export the log as NDJSON' }).click());
  const records = parseNdjson(ndjson.text);
  expect(records.map((r) => r.text)).toEqual(shown.toReversed());
  expect(records.map((r) => r.event)).toEqual([
    'registered',
    'connected',
    'topics',
    'registered',
    'connected',
    'topics',
  ]);
  const csv = await download(page, () => page.getByRole('button', { name: 'Export the log as CSV' }).click());
  expect(parseCsv(csv.text)).toEqual(
    records.map((r) => ({ time: r.time, seq: String(r.seq as number), event: r.event, text: r.text })),
  );
});
