import { expect, test } from './fixtures';

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: false });

/** A real `POST /publish`, with a bearer token when given. */
async function publishWith(
  baseUrl: string,
  body: { topic: string; message: string },
  token?: string,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/publish`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

test.describe('Settings and the access token', () => {
  test('an open hub says so; a token rotated in the GUI refuses the old one and keeps devices receiving', async ({
    page,
    hub,
    device,
  }) => {
    const sensor = await device(1, ['news']);
    await page.goto(hub.dashboardUrl);
    await expect(page.getByTestId('open-banner')).toContainText(
      'Open: anyone on this network can register and publish.',
    );
    await expect(page.getByTestId('badge-open')).toBeVisible();
    await expect(page.getByTestId('client-row')).toContainText('news'); // the device's subscription is in place
    await page.screenshot(shot('open-banner-light'));

    await page.getByRole('button', { name: 'Lock it with a token' }).click();
    await expect(page.getByTestId('settings-view')).toBeVisible();
    await page.getByRole('button', { name: 'Generate a token' }).click();
    await expect(page.getByTestId('badge-locked')).toHaveText('Token required');
    await expect(page.getByTestId('open-banner')).toHaveCount(0);
    await page.getByRole('button', { name: 'Reveal' }).click();
    const tokenText = page.getByTestId('access-token');
    await expect(tokenText).toHaveText(/^[\w-]{43}$/);
    const first = (await tokenText.textContent()) ?? '';

    expect((await publishWith(hub.baseUrl, { topic: 'news', message: 'no token' })).status).toBe(401);
    expect(await publishWith(hub.baseUrl, { topic: 'news', message: 'first' }, first)).toMatchObject({
      status: 200,
      json: { delivered: 1 },
    });
    expect(await sensor.next()).toBe('first');

    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, rotate' }).click();
    await expect(tokenText).not.toHaveText(first);
    const second = (await tokenText.textContent()) ?? '';
    expect(second).toMatch(/^[\w-]{43}$/);

    const old = await publishWith(hub.baseUrl, { topic: 'news', message: 'old token' }, first);
    expect(old.status).toBe(401);
    expect(old.json).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await publishWith(hub.baseUrl, { topic: 'news', message: 'second' }, second)).toMatchObject({
      status: 200,
      json: { delivered: 1 },
    });
    // The device registered before both rotations kept its socket and gets only what was accepted.
    expect(await sensor.next()).toBe('second');

    await page.getByRole('button', { name: 'Hide', exact: true }).click();
    await page.screenshot(shot('settings-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('settings-dark'));
    await page.getByTestId('setting-maxTopicLength').scrollIntoViewIfNeeded();
    await page.screenshot(shot('settings-limits-dark'));
  });

  test('a changed limit is applied by the running hub and enforced on the real socket', async ({ page, hub }) => {
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-settings').click();
    await expect(page.getByTestId('settings-scope')).toContainText(
      'This hub takes its settings from the command line; changes here last until it stops.',
    );
    expect((await publishWith(hub.baseUrl, { topic: 'nine-char', message: 'x' })).status).toBe(200);

    const field = page.getByTestId('setting-maxTopicLength');
    await field.fill('0');
    const problem = page.getByText('Max topic length must be a whole number of at least 1');
    await expect(problem).toBeVisible();
    await field.evaluate((input) => input.scrollIntoView({ block: 'center' }));
    await page.screenshot(shot('settings-invalid-light'));
    await field.fill('8');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect(page.getByTestId('settings-outcome')).toHaveText('Applied until the hub stops.');
    await expect(field).toHaveValue('8');
    await expect(page.getByTestId('hub-status')).toContainText(`Running on 127.0.0.1:${hub.port}`);

    const refused = await publishWith(hub.baseUrl, { topic: 'nine-char', message: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { code: 'invalid_topic' } });
    expect((await publishWith(hub.baseUrl, { topic: 'eight-ch', message: 'x' })).status).toBe(200);
  });
});
