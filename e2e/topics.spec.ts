/**
 * The Topics view's streams (issue 13): each topic's history size, last offset and retained
 * message, also for topics nobody subscribes to; a topic's history newest first (JSON
 * pretty-printed, bytes as hex); retained messages published from the GUI reach a device that
 * subscribes later; the QoS a message was published with for MQTT subscribers shows beside it;
 * Clear retained and Clear history ask first and do what they say.
 */
import { connectDevice, publish } from './devices';
import { expect, test } from './fixtures';
import { publishForm } from './pages';

test('topics show their history and retained message; the panel lists and clears them', async ({
  page,
  hub,
  device,
}) => {
  await device(1, ['sensors/t']);
  await publish(hub.baseUrl, { topic: 'sensors/t', message: '{"temp":21.5,"unit":"C"}' });
  const bytes = await fetch(`${hub.baseUrl}/publish?topic=sensors/t`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array([0x00, 0x01, 0x48, 0x69, 0xff]),
  });
  expect(bytes.status).toBe(200);

  // Retained from the GUI, on a topic nobody subscribes to.
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-send').click();
  await publishForm(page).getByLabel('Topic', { exact: true }).fill('lights/state');
  await publishForm(page).getByLabel('Message', { exact: true }).fill('on');
  await publishForm(page)
    .getByRole('checkbox', { name: /Retain/ })
    .check();
  await publishForm(page).getByLabel('MQTT QoS').selectOption('1');
  await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('publish-outcome')).toContainText('Delivered to 0 clients');
  await expect(page.getByTestId('publish-outcome')).toContainText('retained');
  // A device that subscribes later gets it at once.
  const late = await connectDevice(hub.baseUrl, 2, ['lights/state']);
  expect(await late.next()).toBe('on');

  await page.getByTestId('tab-topics').click();
  await page.getByTestId('topics-list').click();
  const row = (topic: string) => page.getByTestId('topic-row').filter({ hasText: topic });
  await expect(page.getByTestId('topic-row')).toHaveCount(2);
  await expect(row('sensors/t').getByRole('cell').nth(3)).toHaveText(/^2 · \d+ B$/);
  await expect(row('sensors/t').getByRole('cell').nth(4)).toHaveText('2');
  await expect(row('sensors/t').getByRole('cell').nth(5)).toHaveText('none');
  await expect(row('lights/state').getByTestId('retained-preview')).toHaveText('on');

  // A new publish moves the stream while the view is open.
  await publish(hub.baseUrl, { topic: 'sensors/t', message: 'plain' });
  await expect(row('sensors/t').getByRole('cell').nth(4)).toHaveText('3');

  await page.getByRole('button', { name: 'History of sensors/t' }).click();
  const panel = page.getByTestId('topic-history');
  const items = panel.getByTestId('history-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('#3');
  await expect(items.nth(0).locator('pre')).toHaveText('plain');
  await expect(items.nth(1)).toContainText('binary · hex');
  await expect(items.nth(1).locator('pre')).toHaveText(`0000  ${'00 01 48 69 ff'.padEnd(23)}  ..Hi.`);
  await expect(items.nth(2).locator('pre')).toHaveText('{\n  "temp": 21.5,\n  "unit": "C"\n}');
  await expect(items.filter({ hasText: 'QoS' })).toHaveCount(0);
  await panel.getByRole('button', { name: 'Clear history' }).click();
  await panel.getByRole('button', { name: 'Yes, clear history' }).click();
  await expect(panel.getByText('The history is empty.')).toBeVisible();
  await expect(panel.getByTestId('history-size')).toHaveText('0 messages · 0 B');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(row('sensors/t').getByRole('cell').nth(3)).toHaveText('0 · 0 B');

  await page.getByRole('button', { name: 'History of lights/state' }).click();
  await expect(panel.getByTestId('history-retained')).toContainText('on');
  await expect(panel.getByTestId('history-retained')).toContainText('QoS 1');
  await expect(panel.getByTestId('history-item')).toContainText('retained');
  await expect(panel.getByTestId('history-item')).toContainText('QoS 1');
  await panel.getByRole('button', { name: 'Clear retained' }).click();
  await expect(panel).toContainText('Devices that subscribe later get nothing until a new retained message.');
  await panel.getByRole('button', { name: 'Yes, clear retained' }).click();
  await expect(panel.getByTestId('history-retained')).toHaveText('none');
  const history = (await (await fetch(`${hub.baseUrl}/history/lights%2Fstate`)).json()) as { offset: number };
  expect(history.offset).toBe(1);
  // Cleared: a device subscribing now gets nothing retained, only what comes next.
  const later = await connectDevice(hub.baseUrl, 3, ['lights/state']);
  await publish(hub.baseUrl, { topic: 'lights/state', message: 'off' });
  expect(await later.next()).toBe('off');
  later.close();
  late.close();
});
