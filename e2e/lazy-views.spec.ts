import { expect, test } from './fixtures';

/** The views in chunks of their own, by tab, with something each shows once loaded. */
const views: { tab: string; chunk: string }[] = [
  { tab: 'users', chunk: 'UsersView' },
  { tab: 'topics', chunk: 'TopicsView' },
  { tab: 'keys', chunk: 'KeysView' },
  { tab: 'webhooks', chunk: 'WebhooksView' },
  { tab: 'messages', chunk: 'MessagesView' },
  { tab: 'charts', chunk: 'ChartsView' },
  { tab: 'send', chunk: 'SendView' },
  { tab: 'log', chunk: 'LogView' },
  { tab: 'settings', chunk: 'SettingsView' },
];
const lazyChunks = ['ClientsView', ...views.map((view) => view.chunk), 'KeyDialog', 'MqttMore'];

/** The page's scripts fetched so far (file names under assets/) and when its first paint was. */
function scriptsFetched(): { scripts: { name: string; start: number }[]; firstPaint: number | null } {
  const scripts = performance
    .getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('.js'))
    .map((entry) => ({ name: entry.name.split('/').pop() ?? '', start: entry.startTime }));
  const paint = performance.getEntriesByName('first-paint')[0];
  return { scripts, firstPaint: paint?.startTime ?? null };
}

test('the page opens on its first script and the Clients view, fetches the other views while idle; tabs then switch at once', async ({
  page,
  hub,
  device,
}) => {
  await device(1, ['cats']);
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-count')).toHaveText('1 client');
  // Every lazy part arrives without a click, each after the first paint.
  await expect
    .poll(
      async () => {
        const { scripts } = await page.evaluate(scriptsFetched);
        return lazyChunks.filter((chunk) => !scripts.some((script) => script.name.startsWith(`${chunk}-`)));
      },
      { timeout: 60_000 },
    )
    .toEqual([]);
  // Fetched is not yet evaluated: the page marks <html> once every part is in.
  await expect(page.locator('html')).toHaveAttribute('data-parts-loaded', 'true', { timeout: 30_000 });
  const { scripts, firstPaint } = await page.evaluate(scriptsFetched);
  expect(firstPaint).not.toBeNull();
  // The Clients view, where the page opens, is fetched at once; the others wait for the first paint.
  for (const chunk of lazyChunks.filter((name) => name !== 'ClientsView')) {
    const script = scripts.find((s) => s.name.startsWith(`${chunk}-`));
    expect(script?.start, `${chunk} fetched before the first paint`).toBeGreaterThan(firstPaint ?? Infinity);
  }
  const opening = scripts.filter((s) => s.start < (firstPaint ?? 0)).map((s) => s.name);
  expect(opening.some((name) => name.startsWith('index-'))).toBe(true);

  // Fetched beforehand, each view shows at once: never the "Loading…" line of a part whose code is
  // not in yet (a view's own "Loading the webhooks…", while it asks the hub, is another matter).
  for (const view of views) {
    await page.getByTestId(`tab-${view.tab}`).click();
    expect(await page.getByTestId('view-loading').count(), view.tab).toBe(0);
    await expect(page.getByTestId(`tab-${view.tab}`)).toHaveAttribute('aria-selected', 'true');
  }

  // A chunk is served like every hashed file: immutable for a year, with an ETag (304 when unchanged).
  const chunk = scripts.find((s) => s.name.startsWith('TopicsView-'))?.name ?? '';
  const url = new URL(`assets/${chunk}`, page.url()).href;
  const first = await page.request.get(url);
  expect(first.status()).toBe(200);
  expect(first.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect(first.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const etag = first.headers()['etag'] ?? '';
  expect(etag).not.toBe('');
  expect((await page.request.get(url, { headers: { 'if-none-match': etag } })).status()).toBe(304);
});

test('a view opened before its chunk arrived shows a short loading line in the panel, then the view', async ({
  page,
  hub,
  device,
}) => {
  await device(1, ['cats']);
  // Hold the Settings chunk until the test lets it go.
  let release = (): void => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/SettingsView-[\w-]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-count')).toHaveText('1 client');
  const panel = page.locator('#view-panel');
  const before = await panel.boundingBox();
  await page.getByTestId('tab-settings').click();
  await expect(panel.getByRole('status')).toHaveText('Loading…');
  expect(await panel.boundingBox()).toEqual(before); // the panel keeps its place and size
  release();
  await expect(page.getByRole('button', { name: 'Save and apply' })).toBeVisible();
  await expect(panel.getByTestId('view-loading')).toHaveCount(0);
});
