/**
 * The SDK page's browser example (docs/sdk.md) of the device SDK, as written (only the hub's address changes),
 * in Chromium: a page saved as a file imports the SDK the hub serves, connects, shows a
 * message published over HTTP, and publishes on click to a real device.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { publish } from './devices';

function readmeBlock(marker: string): string {
  const readme = readFileSync('docs/sdk.md', 'utf8');
  const block = /```[a-z]*\n([^]*?)```/.exec(readme.slice(readme.indexOf(`<!-- ${marker} -->`)))?.[1];
  if (block === undefined) throw new Error(`no docs/sdk.md block after <!-- ${marker} -->`);
  return block;
}

test('the SDK page browser example connects, receives, and publishes on click', async ({ page, hub, device }) => {
  const html = readmeBlock('sdk-browser-example').replaceAll('http://192.168.1.20:8000', hub.baseUrl);
  // "Save this as a file and open it": a file:// page, another origin than the hub's.
  const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-page-')), 'device.html');
  writeFileSync(file, html);
  const reader = await device(2, ['cats']);
  await page.goto(`file://${file}`);
  await expect(page).toHaveTitle('open');
  expect(await publish(hub.baseUrl, { topic: 'cats', message: 'hello browser' })).toBe(2);
  await expect(page.getByText('cats: hello browser')).toBeVisible();
  expect(await reader.next()).toBe('hello browser');
  await page.mouse.click(10, 10);
  await expect(page.getByText('delivered to 1')).toBeVisible();
  expect(await reader.next()).toBe('hello from a browser');
});
