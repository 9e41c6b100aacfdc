/**
 * Saved payloads belong to the hub, not to a browser: saved in one browser context, listed in a
 * fresh one (empty storage) and sent from there to a real device; renamed in one, renamed live in
 * the other; still there after the hub restarts on the same data dir. A browser's own saved payloads
 * (kept in its storage by earlier versions) move to the hub once and leave the browser.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { connectDevice } from './devices';
import { expect, test } from './fixtures';
import { startHub } from './hub';
import { publishForm } from './pages';

const libraryKey = 'relay-hub.publish-library';

/** Opens (loads anew) the dashboard's Publish view once the clients table shows `rows` registrations. */
async function openPublish(page: Page, url: string, rows: number): Promise<void> {
  await page.goto('about:blank'); // the same page with another #token would not load again
  await page.goto(url);
  await expect(page.getByTestId('client-row')).toHaveCount(rows);
  if (rows > 0) await expect(page.getByTestId('client-row').first()).toContainText('lamp'); // subscribed
  await page.getByTestId('tab-send').click();
}

const saved = (page: Page) => page.getByRole('region', { name: 'Saved payloads' });
const stored = (page: Page): Promise<string | null> => page.evaluate((key) => localStorage.getItem(key), libraryKey);

test.describe('Saved payloads', () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  test('saved in one browser, listed and sent from a fresh one, renamed live, kept across a restart', async ({
    page,
    browser,
    hub,
    device,
  }) => {
    const lamp = await device(5, ['lamp']);
    await openPublish(page, hub.dashboardUrl, 1);
    await publishForm(page).getByLabel('Topic', { exact: true }).fill('lamp');
    await publishForm(page).getByLabel('Message', { exact: true }).fill('{"on":true}');
    await publishForm(page).getByLabel('Save as').fill('Lamp on');
    await publishForm(page).getByRole('button', { name: 'Save payload' }).click();
    await expect(saved(page)).toContainText('Lamp on');
    expect(await stored(page)).toBeNull(); // on the hub, not in this browser

    // Another browser: its own storage, empty.
    const other = await browser.newContext();
    contexts.push(other);
    const second = await other.newPage();
    await openPublish(second, hub.dashboardUrl, 1);
    expect(await stored(second)).toBeNull();
    await expect(saved(second)).toContainText('Lamp on');
    await saved(second).getByRole('button', { name: 'Send again: Lamp on' }).click();
    expect(await lamp.next()).toBe('{"on":true}');
    await expect(second.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');

    // Renamed in the first, renamed in the second without a reload.
    await saved(page).getByRole('button', { name: 'Rename Lamp on' }).click();
    await saved(page).getByLabel('New name for Lamp on').fill('Lamp');
    await saved(page).getByRole('button', { name: 'Rename', exact: true }).click();
    await expect(saved(second).getByRole('button', { name: 'Use Lamp', exact: true })).toBeVisible();
    await expect(saved(second)).not.toContainText('Lamp on');

    // The hub stops and starts again on the same data dir (a new port and admin token).
    await hub.stop();
    const again = await startHub({ dataDir: hub.dataDir });
    try {
      const lampAgain = await connectDevice(again.baseUrl, 6, ['lamp']);
      await openPublish(second, again.dashboardUrl, 2); // the old registration is kept too
      await expect(saved(second).getByTestId('library-entry')).toHaveText([/^Lamp /]);
      await saved(second).getByRole('button', { name: 'Use Lamp', exact: true }).click();
      await expect(publishForm(second).getByLabel('Topic', { exact: true })).toHaveValue('lamp');
      await publishForm(second).getByRole('button', { name: 'Publish', exact: true }).click();
      expect(await lampAgain.next()).toBe('{"on":true}');
      lampAgain.close();
    } finally {
      await again.stop();
    }
  });

  test('a browser’s own saved payloads move to the hub once, and leave the browser', async ({ page, browser, hub }) => {
    // A dashboard already open elsewhere sees them arrive.
    const watcher = await (await browser.newContext()).newPage();
    contexts.push(watcher.context());
    await openPublish(watcher, hub.dashboardUrl, 0);

    await page.goto(hub.dashboardUrl);
    const recent = { topic: 'lamp', userId: '', message: 'dim', mode: 'text', retain: false };
    const old = { name: 'Old favourite', topic: 'lamp', userId: '', message: 'off', mode: 'text', retain: false };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      libraryKey,
      JSON.stringify({ saved: [old], recent: [recent] }),
    ] as const);
    await openPublish(page, hub.dashboardUrl, 0);
    await expect(saved(page)).toContainText('Old favourite');
    await expect(saved(watcher)).toContainText('Old favourite');
    await expect.poll(() => stored(page)).toBe(JSON.stringify({ saved: [], recent: [recent] }));
    // The recent publishes stay this browser's own.
    await expect(page.getByRole('region', { name: 'Recent publishes' })).toContainText('lamp · dim');
    await expect(watcher.getByRole('region', { name: 'Recent publishes' })).toHaveCount(0);

    // Once: a second visit saves nothing more (still one entry, not "Old favourite (2)").
    await openPublish(page, hub.dashboardUrl, 0);
    await expect(saved(page).getByTestId('library-entry')).toHaveCount(1);
  });
});
