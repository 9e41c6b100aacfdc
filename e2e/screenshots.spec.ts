import { publish } from './devices';
import { expect, test } from './fixtures';
import { publishForm, registerForm } from './pages';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: false });

test.describe('Screenshots of the main views', () => {
  test('empty hub and token screen', async ({ page, hub }) => {
    await page.goto(hub.dashboardUrl);
    await expect(page.getByText('No devices registered yet')).toBeVisible();
    await page.screenshot(shot('empty-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('empty-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('tab-log').click();
    await page.screenshot(shot('log-empty'));
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${hub.baseUrl}/dashboard/`);
    await expect(page.getByTestId('token-screen')).toBeVisible();
    await page.screenshot(shot('token-screen'));
  });

  test('a busy hub in light and dark', async ({ page, hub, device }) => {
    const rooms = ['kitchen', 'living-room', 'garage', 'alerts'];
    for (let i = 0; i < 14; i++)
      await device(100 + (i % 5), [rooms[i % 4] ?? 'alerts', ...(i % 3 === 0 ? ['alerts'] : [])]);
    for (let i = 0; i < 6; i++) await publish(hub.baseUrl, { topic: rooms[i % 4] ?? 'alerts', message: `event ${i}` });
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(14);
    await page.screenshot(shot('clients-light'));
    await page.getByTestId('tab-users').click();
    await page.screenshot(shot('users-light'));
    await page.getByTestId('tab-topics').click();
    await page.screenshot(shot('topics-light'));
    await page.getByRole('button', { name: 'Publish to kitchen' }).click();
    await publishForm(page).getByLabel('Message', { exact: true }).fill('{"light": "on"}');
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(page.getByTestId('publish-outcome')).toContainText('Delivered to');
    await registerForm(page).getByLabel('User id').fill('7');
    await registerForm(page).getByRole('button', { name: 'Register', exact: true }).click();
    await expect(page.getByTestId('register-url')).toBeVisible();
    await page.screenshot(shot('send-light'));
    await page.getByTestId('tab-log').click();
    await page.screenshot(shot('log-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('log-dark'));
    await page.getByTestId('tab-send').click();
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await publishForm(page).getByLabel('Topic', { exact: true }).fill('');
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await page.screenshot(shot('send-dark-invalid'));
    await page.getByTestId('tab-clients').click();
    await page.screenshot(shot('clients-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 900, height: 640 });
    await page.screenshot(shot('clients-narrow'));
    await page.getByTestId('tab-send').click();
    await page.screenshot(shot('send-narrow'));
  });
});
