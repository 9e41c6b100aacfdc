import { publish } from './devices';
import { expect, test } from './fixtures';
import { publishForm, registerForm } from './pages';

test.describe('Publish and register', () => {
  test('publishing from the form reaches the device with exactly that text, and the receipt says 1', async ({
    page,
    hub,
    device,
  }) => {
    const phone = await device(3, ['cats']);
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    await page.getByTestId('tab-send').click();
    const text = 'Hello, cats! {"not": "parsed"} ünïcødé ✓';
    await publishForm(page).getByLabel('Topic', { exact: true }).fill('cats');
    await publishForm(page).getByLabel('Message', { exact: true }).fill(text);
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    expect(await phone.next()).toBe(text);
    await expect(page.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');
  });

  test('a user-targeted publish reaches only that user’s devices', async ({ page, hub, device }) => {
    const mine = await device(1, ['news']);
    const theirs = await device(2, ['news']);
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('client-row')).toHaveCount(2);
    await page.getByTestId('tab-send').click();
    await publishForm(page).getByLabel('Topic', { exact: true }).fill('news');
    await publishForm(page).getByLabel('User id', { exact: true }).fill('2');
    await publishForm(page).getByLabel('Message', { exact: true }).fill('only for user 2');
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(page.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');
    expect(await theirs.next()).toBe('only for user 2');
    // Frames on one socket arrive in order: if user 1 had got the targeted message, it would come first.
    expect(await publish(hub.baseUrl, { topic: 'news', message: 'for everyone' })).toBe(2);
    expect(await mine.next()).toBe('for everyone');
  });

  test('the form explains invalid input and sends nothing', async ({ page, hub }) => {
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-send').click();
    await publishForm(page).getByLabel('User id', { exact: true }).fill('abc');
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(publishForm(page).getByLabel('User id', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('User id must be a whole number')).toBeVisible();
    await expect(page.getByTestId('publish-outcome')).toHaveText('');
  });

  test('registering from the GUI gives a working device URL with a QR code', async ({ page, hub }) => {
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-send').click();
    await registerForm(page).getByLabel('User id').fill('42');
    await registerForm(page).getByRole('button', { name: 'Register', exact: true }).click();
    const url = await page.getByTestId('register-url').textContent();
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${hub.port}/ws/[0-9a-f]{32}$`));
    await expect(page.getByTestId('register-result').locator('svg')).toBeVisible();
    await page.getByTestId('tab-clients').click();
    await expect(page.getByTestId('client-row')).toHaveCount(1);
    await expect(page.getByTestId('client-row')).toContainText('42');
  });
});
