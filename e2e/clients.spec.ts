import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const row = (page: Page, id: string) => page.locator(`[data-testid="client-row"][data-row-id="${id}"]`);

test.describe('Clients', () => {
  test('a device that registers and connects appears with its user and topics, and follows topic changes', async ({
    page,
    hub,
    device,
  }) => {
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('hub-status')).toContainText('Running');
    const phone = await device(7, ['cats']);
    const line = row(page, phone.id);
    await expect(line).toContainText('Connected');
    await expect(line.getByRole('cell').nth(1)).toHaveText('7');
    await expect(line.locator('.chip')).toHaveText(['cats']);
    await expect(page.getByTestId('stat-connected')).toHaveText('1');

    phone.subscribe(['dogs', 'birds']);
    await expect(line.locator('.chip')).toHaveText(['dogs', 'birds']);
    await page.getByTestId('tab-topics').click();
    await page.getByTestId('topics-list').click();
    await expect(page.getByTestId('topic-row')).toHaveCount(2);
    await page.getByRole('button', { name: 'dogs', exact: true }).click();
    await expect(page.getByTestId('client-filter')).toHaveValue('topic:dogs');
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    await page.getByTestId('tab-users').click();
    await expect(page.getByTestId('user-row')).toHaveCount(1);
    await expect(page.getByTestId('user-row').locator('.chip')).toHaveText(['birds', 'dogs']);
  });

  test('unregister from the GUI closes the device socket (4000) and removes its row', async ({ page, hub, device }) => {
    const keep = await device(1, ['news']);
    const gone = await device(2, ['news']);
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(2);
    // A double-click only asks; the confirmation removes it.
    await row(page, gone.id).getByTestId('unregister').dblclick();
    await expect(row(page, gone.id).getByTestId('unregister-confirm')).toBeVisible();
    await expect(page.getByTestId('client-row')).toHaveCount(2);
    const confirm = row(page, gone.id).getByTestId('unregister-confirm');
    await expect(async () => {
      await confirm.click({ timeout: 1_000 });
      await expect(row(page, gone.id)).toHaveCount(0, { timeout: 1_000 });
    }).toPass();
    expect(await gone.closed).toBe(4000);
    await expect(row(page, gone.id)).toHaveCount(0);
    await expect(row(page, keep.id)).toBeVisible();
    await expect(page.getByTestId('stat-registered')).toHaveText('1');
  });

  test('"Unregister all" on a user closes every device of that user only', async ({ page, hub, device }) => {
    const a = await device(5);
    const b = await device(5);
    const other = await device(6);
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-users').click();
    const user = page.locator('[data-testid="user-row"][data-row-id="5"]');
    await user.getByTestId('unregister').click();
    await expect(user.getByRole('group', { name: /^Confirm: Unregister all 2 clients of user 5/ })).toBeVisible();
    await expect(async () => {
      await user.getByTestId('unregister-confirm').click({ timeout: 1_000 });
      await expect(page.getByTestId('user-row')).toHaveCount(1, { timeout: 1_000 });
    }).toPass();
    expect(await Promise.all([a.closed, b.closed])).toEqual([4000, 4000]);
    await expect(page.getByTestId('user-row')).toHaveCount(1);
    await page.getByTestId('tab-clients').click();
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    await expect(row(page, other.id)).toBeVisible();
  });
});
