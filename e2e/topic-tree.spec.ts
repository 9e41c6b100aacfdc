/**
 * The topic tree (issue 28), in Chromium against a real hub: real devices publish over their
 * sockets on a deep topic set; the tree shows each level with its last value, counts and
 * rates rolled up, retained markers and subscribers; the filter takes MQTT wildcards; the
 * keyboard walks the tree; a node's detail shows its history with diffs and a plot, and
 * deletes a retained message and clears the history after asking.
 */
import type { Page } from '@playwright/test';
import { publish } from './devices';
import { expect, test } from './fixtures';
import { publishForm } from './pages';

const node = (page: Page, path: string) => page.locator(`[data-testid="tree-node"][data-path="${path}"]`);

test('a live tree of a deep topic set: values, rollups, wildcard filter, keyboard, detail with diff and plot', async ({
  page,
  hub,
  device,
}) => {
  const sensor = await device(1, []);
  const watcher = await device(2, ['home/kitchen/temp', 'home/hall/temp']);
  let id = 0;
  const send = async (topic: string, message: string, retain = false): Promise<void> => {
    sensor.socket.send(JSON.stringify({ publish: { topic, message, ...(retain ? { retain } : {}) }, id: ++id }));
    for (;;) {
      const frame = JSON.parse(await sensor.next()) as { ack?: number };
      if (frame.ack === id) return;
    }
  };
  for (const [i, temp] of [20.5, 21, 21.5, 22.5].entries()) {
    await send('home/kitchen/temp', JSON.stringify({ temp, unit: 'C', seq: i }));
  }
  await send('home/hall/temp', '19');
  await send('home/hall/light', 'on', true);
  await send('garden/soil/moisture', '{"v":0.4}');
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-topics').click();

  // Top level, collapsed: the branches roll up their topics.
  await expect(page.getByTestId('tree-count')).toHaveText('5 topics'); // and the default topic, cats
  await expect(page.getByTestId('tree-node')).toHaveCount(3);
  await expect(node(page, 'home').getByTestId('tree-messages')).toHaveText('6');
  await expect(node(page, 'home').getByTestId('tree-retained')).toHaveText('R 1');
  await expect(node(page, 'home')).toContainText('3 topics');
  await expect(node(page, 'home')).toContainText('2 ws');

  // The keyboard: focus the tree, End to home, Right opens it, Right goes in, Enter shows the detail.
  await page.getByTestId('topic-tree').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowRight');
  await expect(node(page, 'home')).toHaveAttribute('aria-expanded', 'true');
  await expect(node(page, 'home/kitchen')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown'); // home/hall → home/kitchen
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('topic-tree')).toHaveAttribute(
    'aria-activedescendant',
    (await node(page, 'home/kitchen/temp').getAttribute('id')) ?? 'missing',
  );
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('topic-detail');
  await expect(detail.getByRole('heading', { name: 'home/kitchen/temp' })).toBeVisible();
  await expect(node(page, 'home/kitchen/temp')).toHaveAttribute('aria-selected', 'true');
  await expect(node(page, 'home/kitchen/temp').getByTestId('tree-value')).toHaveText(
    '{"temp":22.5,"unit":"C","seq":3}',
  );
  await expect(detail.getByTestId('detail-value')).toHaveText('{\n  "temp": 22.5,\n  "unit": "C",\n  "seq": 3\n}');
  const items = detail.getByTestId('history-item');
  await expect(items).toHaveCount(4);
  await expect(items.first().getByTestId('history-diff')).toContainText('temp 21.5 → 22.5');
  await expect(items.first().getByTestId('history-diff')).toContainText('seq 2 → 3');
  const plot = detail.getByTestId('topic-plot');
  await expect(plot.locator('canvas').first()).toBeVisible();
  await expect(plot).toHaveAttribute('data-points', '4');
  await expect(plot).toHaveAttribute('data-last', '22.5');
  await plot.getByLabel('Field').selectOption('seq');
  await expect(plot).toHaveAttribute('data-last', '3');

  // Live: a new value lands in the row, the detail and the plot.
  await send('home/kitchen/temp', JSON.stringify({ temp: 23, unit: 'C', seq: 4 }));
  await expect(detail.getByTestId('detail-messages')).toContainText('5 ·');
  await expect(items).toHaveCount(5);
  await expect(plot).toHaveAttribute('data-points', '5');
  await expect(node(page, 'home').getByTestId('tree-messages')).toHaveText('7');

  // The filter takes MQTT wildcards and opens what it matches.
  await page.getByTestId('tree-filter').fill('home/+/temp');
  await expect(page.getByTestId('tree-count')).toHaveText('2 of 5 topics');
  await expect(node(page, 'home/hall/temp')).toBeVisible();
  await expect(node(page, 'home/hall/light')).toHaveCount(0);
  await page.getByTestId('tree-filter').fill('garden/#');
  await expect(node(page, 'garden/soil/moisture').getByTestId('tree-value')).toHaveText('{"v":0.4}');
  await page.getByTestId('tree-filter').fill('');

  // Clear the history after asking: the list empties, the count stays.
  await detail.getByRole('button', { name: 'Clear history' }).click();
  await detail.getByRole('button', { name: 'Yes, clear history' }).click();
  await expect(detail.getByText('The history is empty.')).toBeVisible();

  // Delete a retained message after asking; its marker goes.
  await node(page, 'home/hall').click();
  await page.keyboard.press('Escape');
  await page.getByTestId('topic-tree').focus();
  await node(page, 'home/hall').locator('.tree-toggle').click();
  await node(page, 'home/hall/light').click();
  await expect(detail.getByTestId('detail-retained')).toHaveText('yes');
  await detail.getByRole('button', { name: 'Delete retained' }).click();
  await detail.getByRole('button', { name: 'Yes, delete retained' }).click();
  await expect(detail.getByTestId('detail-retained')).toHaveText('none');
  await expect(node(page, 'home').getByTestId('tree-retained')).toHaveCount(0);

  // Publishing from the tree: the form comes with the topic filled in.
  await detail.getByRole('button', { name: 'Publish…' }).click();
  await expect(publishForm(page).getByLabel('Topic', { exact: true })).toHaveValue('home/hall/light');
  await publish(hub.baseUrl, { topic: 'home/kitchen/temp', message: 'x' });
  expect(await watcher.next()).toBeDefined();
});

test('a message in the inspector opens its topic in the tree, its branches expanded', async ({ page, hub }) => {
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-messages').click();
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
  await publish(hub.baseUrl, { topic: 'plant/line-2/press/pressure', message: '{"bar":4.2}' });
  await page.getByTestId('message-row').first().getByRole('cell').nth(2).click();
  await page.getByTestId('message-detail').getByRole('button', { name: 'Show in topic tree' }).click();
  const detail = page.getByTestId('topic-detail');
  await expect(detail.getByRole('heading', { name: 'plant/line-2/press/pressure' })).toBeVisible();
  await expect(node(page, 'plant/line-2/press/pressure')).toHaveAttribute('aria-selected', 'true');
  await expect(node(page, 'plant/line-2')).toHaveAttribute('aria-expanded', 'true');
  await expect(detail.getByRole('button', { name: 'Copy #1' })).toBeVisible();
});

test('the keyboard keeps its row in view in a tree longer than the window', async ({ page, hub }) => {
  const names = Array.from({ length: 150 }, (_, i) => `line-${String(i).padStart(3, '0')}`);
  for (const name of names) await publish(hub.baseUrl, { topic: name, message: '1' });
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-topics').click();
  await expect(page.getByTestId('tree-count')).toHaveText('150 topics');
  const tree = page.getByTestId('topic-tree');
  await tree.focus();
  await page.keyboard.press('End');
  await expect(node(page, 'line-149')).toBeInViewport();
  await expect(tree).toHaveAttribute('aria-activedescendant', (await node(page, 'line-149').getAttribute('id')) ?? '');
  await page.keyboard.press('Home');
  await expect(node(page, 'line-000')).toBeInViewport();
  for (let i = 0; i < 6; i++) await page.keyboard.press('PageDown');
  // Ten rows a page.
  await expect(tree).toHaveAttribute('aria-activedescendant', (await node(page, 'line-060').getAttribute('id')) ?? '');
  await expect(node(page, 'line-060')).toBeInViewport();
  // A filter that leaves the active row out moves the keyboard to the first row, in view.
  await page.getByTestId('tree-filter').fill('line-14');
  await expect(node(page, 'line-140')).toBeInViewport();
});
