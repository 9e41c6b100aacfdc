/**
 * The hub's phone page (`/device`) in a phone-sized Chromium: paired from a link made by
 * `POST /pair`, it connects with the device SDK, shows a message published over HTTP with its topic
 * and time, publishes back to a real device, keeps its registration across a reload (same name,
 * same id), and without a pairing connects by hand as a test client.
 */
import type { PairResponse } from '../shared/keys';
import { expect, test } from './fixtures';
import { publish } from './devices';
import { openPhone } from './pages';

async function pair(baseUrl: string, body: object): Promise<PairResponse> {
  const res = await fetch(`${baseUrl}/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as PairResponse;
}

test('pairs from the link, receives, publishes back, and is the same device after a reload', async ({
  browser,
  hub,
  device,
}) => {
  const paired = await pair(hub.baseUrl, { name: 'Alice phone', user_id: 3, subscribe: ['chat', 'alerts/*'] });
  const listener = await device(9, ['chat']);
  const { page, problems } = await openPhone(browser);
  await page.goto(paired.link);
  await expect(page.getByRole('status').first()).toHaveText('Connected');
  // The one-time code left the address bar at once.
  expect(page.url()).toBe(`${hub.baseUrl}/device`);
  await expect(page.getByText('Alice phone · user 3')).toBeVisible();
  await expect(page.getByText('Allowed — listen: chat, alerts/*; publish: chat, alerts/*')).toBeVisible();

  expect(await publish(hub.baseUrl, { topic: 'chat', message: 'hello phone' })).toBe(2);
  const item = page.getByRole('listitem').filter({ hasText: 'hello phone' });
  await expect(item).toBeVisible();
  await expect(item.locator('.topic')).toHaveText('chat');
  expect(await listener.next()).toBe('hello phone');

  await page.getByRole('textbox', { name: 'Message' }).fill('hello from the phone');
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(page.getByText('Sent to 1 device')).toBeVisible();
  expect(await listener.next()).toBe('hello from the phone');

  // Topics are editable; a topic outside the key's scope is refused with the reason.
  await page.getByLabel('Topics (comma-separated)').fill('chat, secrets');
  await page.getByRole('button', { name: 'Apply' }).tap();
  await expect(page.getByRole('alert')).toContainText('may not subscribe to "secrets"');

  const before = (await (await fetch(`${hub.baseUrl}/health`)).json()) as { registered: number };
  await page.reload();
  await expect(page.getByRole('status').first()).toHaveText('Connected');
  const after = (await (await fetch(`${hub.baseUrl}/health`)).json()) as { registered: number; connected: number };
  expect(after.registered).toBe(before.registered);
  expect(after.connected).toBe(2);
  expect(problems).toEqual([]);
});

test('a used or unknown pairing link says so; connecting by hand works on an open hub', async ({ browser, hub }) => {
  const paired = await pair(hub.baseUrl, { name: 'once', user_id: 1, subscribe: ['cats'] });
  const used = await fetch(`${hub.baseUrl}/pair/claim`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: paired.code }),
  });
  expect(used.status).toBe(200);
  const { page, problems } = await openPhone(browser);
  await page.goto(paired.link);
  await expect(page.getByRole('alert')).toContainText('Pairing failed: no pairing with this code');
  await page.getByLabel('User id').fill('5');
  await page.getByLabel('Device name').fill('bench phone');
  await page.getByRole('button', { name: 'Connect' }).tap();
  await expect(page.getByRole('status').first()).toHaveText('Connected');
  expect(await publish(hub.baseUrl, { topic: 'cats', message: 'meow', user_id: 5 })).toBe(1);
  await expect(page.getByText('meow')).toBeVisible();
  expect(problems).toEqual([]);
});
