import { publish } from './devices';
import { expect, test } from './fixtures';

test('the charts move under load, and the hub keeps the past for a page opened later', async ({
  page,
  hub,
  device,
}) => {
  for (let i = 0; i < 6; i++) await device(i, ['sensors', ...(i < 2 ? ['alerts'] : [])]);
  // Load for about 4 s before any page is open: the hub samples it on its own.
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < 4_000) {
    await Promise.all([
      publish(hub.baseUrl, { topic: 'sensors', message: `reading ${sent}` }),
      publish(hub.baseUrl, { topic: 'sensors', message: `reading ${sent}b` }),
      publish(hub.baseUrl, { topic: 'alerts', message: `alert ${sent}` }),
    ]);
    sent++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-charts').click();
  const deliveries = page.getByTestId('chart-deliveries');
  const publishes = page.getByTestId('chart-publishes');
  // The past is there at once: several samples with deliveries above zero.
  await expect(deliveries).toHaveAttribute('data-points', /^([5-9]|\d\d+)$/);
  await expect(page.getByTestId('chart-connections')).toHaveAttribute('data-last', '6');
  await expect(page.getByTestId('chart-topics').locator('.chart-legend')).toContainText('sensors');
  await expect(page.getByTestId('chart-topics').locator('.chart-legend')).toContainText('alerts');
  await expect(deliveries.locator('canvas').first()).toBeVisible();

  // Under load the lines move: new points, and the latest rate is not zero.
  const points = Number(await deliveries.getAttribute('data-points'));
  let running = true;
  const load = (async () => {
    for (let i = 0; running; i++) {
      await publish(hub.baseUrl, { topic: 'sensors', message: `live ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    await expect.poll(async () => Number(await deliveries.getAttribute('data-points'))).toBeGreaterThan(points + 1);
    await expect.poll(async () => Number(await publishes.getAttribute('data-last'))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await deliveries.getAttribute('data-last'))).toBeGreaterThan(0);
  } finally {
    running = false;
    await load;
  }
  await expect(deliveries.locator('.chart-now')).not.toHaveText('');

  await page.getByRole('button', { name: '1 hour' }).click();
  await expect(page.getByRole('button', { name: '1 hour' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText('One point per 10 seconds (averages)')).toBeVisible();
});
