/**
 * What an operator found trying the GUI (issue 28), fixed: each in Chromium against a real hub.
 */
import { expect, test } from './fixtures';

test('the dashboard has a tab icon of its own: no request for a missing /favicon.ico', async ({ page, hub }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('hub-status')).toContainText('Running');
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toMatch(/\.svg$|^data:image\/svg\+xml/);
  const icon = await page.evaluate(
    async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type') };
    },
    new URL(href ?? '', page.url()).href,
  );
  expect(icon).toEqual({ status: 200, type: 'image/svg+xml' });
  expect(missing).toEqual([]);
});
