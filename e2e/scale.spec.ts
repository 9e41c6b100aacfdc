import { connectDevice, type Device, inBatches } from './devices';
import { expect, test } from './fixtures';

const deviceCount = 2_000;

declare global {
  interface Window {
    longestTaskMs: number;
  }
}

test('2,000 connected devices: the table stays virtualised, scrolls and filters without long stalls', async ({
  page,
  hub,
}) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    window.longestTaskMs = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longestTaskMs = Math.max(window.longestTaskMs, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('hub-status')).toContainText('Running');

  let devices: Device[] = [];
  try {
    // Devices arrive while the page is open, so the GUI digests 2,000 upserts as they stream in.
    devices = await inBatches(deviceCount, 50, (i) => connectDevice(hub.baseUrl, i % 500, [`room-${i % 20}`]));
    await expect(page.getByTestId('stat-connected')).toHaveText('2,000', { timeout: 30_000 });
    await expect(page.getByTestId('client-count')).toHaveText('2,000 clients');
    const table = page.getByRole('table', { name: 'Clients' });
    await expect(table).toHaveAttribute('aria-rowcount', String(deviceCount + 1));

    const domRows = await page.getByTestId('client-row').count();
    console.log(`client rows in the DOM for ${deviceCount} clients: ${domRows}`);
    expect(domRows).toBeGreaterThan(5);
    expect(domRows).toBeLessThan(100);

    const scroller = page.getByTestId('table-scroll');
    await scroller.hover();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 2_000);
    await expect(page.locator('[data-testid="client-row"][aria-rowindex="2"]')).toHaveCount(0);
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(page.locator(`[data-testid="client-row"][aria-rowindex="${deviceCount + 1}"]`)).toBeVisible();
    expect(await page.getByTestId('client-row').count()).toBeLessThan(100);

    await page.getByTestId('client-filter').fill('user:123');
    await expect(page.getByTestId('client-row')).toHaveCount(deviceCount / 500);
    await expect(page.getByTestId('client-count')).toHaveText('4 of 2,000 clients');
    await page.getByTestId('client-filter').fill('room-7');
    await expect(page.getByTestId('client-count')).toHaveText('100 of 2,000 clients');
    await page.getByTestId('client-filter').fill('');
    // Sorted by user, the rows hold users 0, 0, 0, 0, 1, … (4 devices each) from the top; then 499, … reversed.
    const rendered = (): Promise<[number, number][]> =>
      page
        .getByTestId('client-row')
        .evaluateAll((rows) =>
          rows
            .map((row): [number, number] => [
              Number(row.getAttribute('aria-rowindex')),
              Number(row.children[1]?.textContent),
            ])
            .sort((a, b) => a[0] - b[0]),
        );
    /** Rows (from the top) whose user is not the one `userAt(row index)` expects; [] when all are in order. */
    const outOfOrder = async (userAt: (index: number) => number): Promise<unknown[]> => {
      const rows = await rendered();
      if (rows.length < 5 || rows[0]?.[0] !== 2) return [`rows ${rows.map(([index]) => index).join(',')}`];
      return rows.filter(([index, user]) => user !== userAt(index));
    };
    const perUser = deviceCount / 500;
    for (const [direction, userAt] of [
      ['ascending', (index: number) => Math.floor((index - 2) / perUser)],
      ['descending', (index: number) => 499 - Math.floor((index - 2) / perUser)],
    ] as const) {
      await page.getByRole('button', { name: /^User/ }).click();
      await expect(page.getByRole('columnheader', { name: /^User/ })).toHaveAttribute('aria-sort', direction);
      await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
      await expect.poll(() => outOfOrder(userAt)).toEqual([]);
    }

    const longest = await page.evaluate(() => window.longestTaskMs);
    console.log(`longest main-thread task with ${deviceCount} clients: ${Math.round(longest)} ms`);
    expect(longest).toBeLessThan(1_000);
  } finally {
    for (const device of devices) device.close();
  }
});
