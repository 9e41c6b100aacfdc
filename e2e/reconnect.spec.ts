import { connectDevice } from './devices';
import { expect, test } from './fixtures';
import { type HubProcess, startHub } from './hub';

test('the dashboard shows the lost link and reconnects when the hub is back on the same port', async ({ page }) => {
  const token = 'e2e-fixed-admin-token-0123';
  const hubs: HubProcess[] = [];
  try {
    const first = await startHub({ token });
    hubs.push(first);
    const early = await connectDevice(first.baseUrl, 1, ['before']);
    await page.goto(first.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    early.close();

    await first.stop();
    await expect(page.getByRole('alert')).toContainText('Lost the connection to the hub');

    const second = await startHub({ port: first.port, token });
    hubs.push(second);
    const device = await connectDevice(second.baseUrl, 9, ['back']);
    await expect(page.getByTestId('client-row')).toHaveCount(1, { timeout: 20_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    // The new hub numbers its log from the start again: its lines must still show.
    await page.getByTestId('tab-log').click();
    await expect(page.getByTestId('log-row').filter({ hasText: 'user 9' }).first()).toBeVisible();
    device.close();
  } finally {
    for (const hub of hubs) await hub.stop();
  }
});
