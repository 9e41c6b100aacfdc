import { expect, test } from './fixtures';

test.describe('Admin token', () => {
  test('without a token the dashboard asks for one and shows no hub data', async ({ page, hub, device }) => {
    await device(1, ['secret-topic']);
    await page.goto(`${hub.baseUrl}/dashboard/`);
    await expect(page.getByTestId('token-screen')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Admin token required' })).toBeVisible();
    await expect(page.getByTestId('client-row')).toHaveCount(0);
    await expect(page.getByText('secret-topic')).toHaveCount(0);
  });

  test('a wrong token is refused; the right one opens the dashboard', async ({ page, hub, device }) => {
    await device(1, ['secret-topic']);
    await page.goto(`${hub.baseUrl}/dashboard/#token=wrong-token`);
    await expect(page.getByRole('heading', { name: 'The hub refused this token' })).toBeVisible();
    await expect(page.getByText('secret-topic')).toHaveCount(0);
    await page.getByLabel('Admin token').fill(hub.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    await expect(page.getByText('secret-topic')).toBeVisible();
  });

  test('the token leaves the address bar and survives a reload', async ({ page, hub }) => {
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('hub-status')).toContainText('Running');
    expect(new URL(page.url()).hash).toBe('');
    await page.reload();
    await expect(page.getByTestId('hub-status')).toContainText('Running');
  });
});
