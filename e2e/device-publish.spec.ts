/**
 * Devices talk back (issue 12), as the operator sees it: a real device publishes over its socket
 * and the live log names it, the receiver gets the message, and the client's Published count rises.
 */
import { expect, test } from './fixtures';

test('a device’s socket publish shows in the live log by its id and in its Published count', async ({
  page,
  hub,
  device,
}) => {
  const sender = await device(1, []);
  const receiver = await device(2, ['chat']);
  await page.goto(hub.dashboardUrl);
  const row = page.locator(`[data-testid="client-row"][data-row-id="${sender.id}"]`);
  await expect(row.getByRole('cell').nth(8)).toHaveText('0');

  sender.socket.send(JSON.stringify({ publish: { topic: 'chat', message: 'hi from a device' }, id: 1 }));
  expect(JSON.parse(await sender.next())).toMatchObject({ ack: 1, delivered: 1 });
  expect(await receiver.next()).toBe('hi from a device');
  sender.socket.send(JSON.stringify({ publish: { topic: 'chat', message: 'again' }, id: 2 }));
  expect(JSON.parse(await sender.next())).toMatchObject({ ack: 2, delivered: 1 });

  await expect(row.getByRole('cell').nth(8)).toHaveText('2');
  await page.getByTestId('tab-log').click();
  const line = page.getByTestId('log-row').filter({ hasText: `device ${sender.id.slice(0, 8)}… published` });
  await expect(line.first()).toContainText('to chat: delivered to');
  await expect(line.first().getByRole('cell').nth(1)).toHaveText('published');
});
