import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { publish } from './devices';
import { expect, test } from './fixtures';

/**
 * Serious and critical axe violations on the page as it is now, one readable line each.
 * AXE_ALL=1 lists findings of every impact; AXE_DETAIL=1 adds axe's data (colours, ratios).
 */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || process.env.AXE_ALL !== undefined)
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .map(
            (n) =>
              `${n.target.join(' ')}${process.env.AXE_DETAIL ? ` [${n.any.map((c) => JSON.stringify(c.data)).join(' ')}]` : ''}`,
          )
          .join(', ')}`,
    );
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every view has no serious or critical axe violation (${scheme})`, async ({ page, hub, device }) => {
    // axe runs about twenty times (every view and state), in light and dark on two workers:
    // 50–60 s alone here, 126 s in a fresh-clone CI run beside the other specs (past 90 s once).
    test.setTimeout(240_000);
    await page.emulateMedia({ colorScheme: scheme });
    const kitchen = await device(1, ['kitchen/light', 'alerts']);
    await device(2, ['garage']);
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(2);
    const found: string[] = [];

    found.push(...(await seriousViolations(page, 'clients')));
    await page.getByRole('button', { name: `Details of client ${kitchen.id.slice(0, 8)}` }).click();
    await expect(page.getByTestId('client-detail')).toBeVisible();
    found.push(...(await seriousViolations(page, 'client detail')));
    await page.keyboard.press('Escape');

    await page.getByTestId('tab-messages').click();
    await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
    await publish(hub.baseUrl, { topic: 'kitchen/light', message: '{"on": true}' });
    await publish(hub.baseUrl, { topic: 'alerts', message: 'smoke', user_id: 1 });
    await expect(page.getByTestId('message-row')).toHaveCount(2);
    found.push(...(await seriousViolations(page, 'messages')));
    await page.getByTestId('message-row').first().getByRole('button').click();
    await expect(page.getByTestId('message-detail')).toBeVisible();
    found.push(...(await seriousViolations(page, 'message detail')));

    // Add a device: the form, then its result (QR code, link, board snippet).
    await page.getByTestId('tab-clients').click();
    await page.getByRole('button', { name: 'Add a device…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a device' });
    found.push(...(await seriousViolations(page, 'add a device')));
    await dialog.getByRole('button', { name: 'Create the link' }).click();
    await expect(dialog.getByText('Enter the user id this device registers as')).toBeVisible();
    found.push(...(await seriousViolations(page, 'add a device, invalid')));
    await dialog.getByLabel('Name').fill('Kitchen tablet');
    await dialog.getByLabel('User id').fill('1');
    await dialog.getByLabel('Topics it may subscribe to').fill('kitchen/*');
    await dialog.getByRole('button', { name: 'Create the link' }).click();
    await expect(dialog.getByTestId('pair-link')).toBeVisible();
    found.push(...(await seriousViolations(page, 'add a device, result')));
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Remove…' }).click();
    found.push(...(await seriousViolations(page, 'clients, remove stale')));

    for (const view of ['users', 'topics', 'keys', 'webhooks', 'charts', 'send', 'log', 'settings'] as const) {
      await page.getByTestId(`tab-${view}`).click();
      await expect(page.getByTestId(`tab-${view}`)).toHaveAttribute('aria-selected', 'true');
      if (view === 'charts') await expect(page.getByTestId('chart-deliveries').locator('canvas').first()).toBeVisible();
      found.push(...(await seriousViolations(page, view)));
      if (view === 'topics') {
        // The tree, opened to a topic with its detail (history, diff, plot).
        await page.locator('[data-testid="tree-node"][data-path="kitchen"] .tree-toggle').click();
        await page.locator('[data-testid="tree-node"][data-path="kitchen/light"]').click();
        await expect(page.getByTestId('topic-detail').getByTestId('history-item').first()).toBeVisible();
        found.push(...(await seriousViolations(page, 'topic tree and detail')));
        await page.getByTestId('topics-list').click();
        await page.getByRole('button', { name: 'History of kitchen/light' }).click();
        await expect(page.getByTestId('history-item').first()).toBeVisible();
        found.push(...(await seriousViolations(page, 'topic history')));
        await page.getByTestId('topics-tree').click();
      }
      if (view === 'keys') {
        await page.getByRole('button', { name: /^Revoke key Kitchen tablet/ }).click();
        found.push(...(await seriousViolations(page, 'keys, revoke')));
        await page.getByRole('button', { name: 'Create a key…' }).click();
        found.push(...(await seriousViolations(page, 'create a key')));
        await page.keyboard.press('Escape');
      }
      if (view === 'webhooks') {
        await page.getByTestId('webhook-url').fill('http://127.0.0.1:9/hook');
        await page.getByTestId('webhook-filters').fill('kitchen/#');
        await page.getByTestId('webhook-add').click();
        await expect(page.getByTestId('webhook-row')).toHaveCount(1);
        found.push(...(await seriousViolations(page, 'webhooks, one hook')));
      }
      if (view === 'send') {
        await page.getByRole('button', { name: 'Hex', exact: true }).click();
        await page.getByLabel('Message', { exact: true }).fill('zz');
        await page.getByRole('button', { name: 'Publish', exact: true }).click();
        found.push(...(await seriousViolations(page, 'send, hex invalid')));
        await page.getByRole('button', { name: 'File', exact: true }).click();
        found.push(...(await seriousViolations(page, 'send, file')));
      }
    }

    // Empty states and the token screen.
    await page.getByTestId('tab-clients').click();
    await page.getByTestId('client-filter').fill('nothing matches this');
    found.push(...(await seriousViolations(page, 'clients, filtered to nothing')));
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${hub.baseUrl}/dashboard/`);
    await expect(page.getByTestId('token-screen')).toBeVisible();
    found.push(...(await seriousViolations(page, 'token screen')));

    expect(found).toEqual([]);
  });
}
