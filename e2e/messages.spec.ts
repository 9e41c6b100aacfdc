import type { Locator, Page } from '@playwright/test';
import { inBatches, publish } from './devices';
import { download, parseCsv, parseNdjson } from './exports';
import { expect, test } from './fixtures';
import { publishForm } from './pages';

/** Opens the dashboard on the Messages view and waits until the hub's inspector is live. */
async function openInspector(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('tab-messages').click();
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
}

const rows = (page: Page) => page.getByTestId('message-row');

test.describe('Message inspector', () => {
  test('shows published messages with their bodies and origin; JSON is pretty-printed', async ({
    page,
    hub,
    device,
  }) => {
    await device(5, ['kitchen/light']);
    await openInspector(page, hub.dashboardUrl);
    expect(await publish(hub.baseUrl, { topic: 'kitchen/light', message: '{"on":true,"level":[1,2]}' })).toBe(1);
    await publish(hub.baseUrl, { topic: 'kitchen/light', message: 'plain text', user_id: 5 });
    await expect(rows(page)).toHaveCount(2);
    // Newest first.
    await expect(rows(page).nth(0)).toContainText('plain text');
    await expect(rows(page).nth(0)).toContainText('5');
    await expect(rows(page).nth(1)).toContainText('{"on":true,"level":[1,2]}');
    await expect(rows(page).nth(1)).toContainText('HTTP');

    await rows(page).nth(1).getByRole('button', { name: /on/ }).click();
    const detail = page.getByTestId('message-detail');
    await expect(detail).toContainText('Body (JSON)');
    await expect(page.getByTestId('message-body')).toHaveText('{\n  "on": true,\n  "level": [\n    1,\n    2\n  ]\n}');
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);

    // A message sent from a GUI says so (from a second dashboard tab: this one keeps its inspector open).
    const other = await page.context().newPage();
    await other.goto(hub.dashboardUrl);
    await other.getByTestId('tab-send').click();
    await publishForm(other).getByLabel('Topic', { exact: true }).fill('kitchen/light');
    await publishForm(other).getByLabel('Message', { exact: true }).fill('from the operator');
    await publishForm(other).getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(other.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');
    await other.close();
    await expect(rows(page).first()).toContainText('from the operator');
    await expect(rows(page).first()).toContainText('GUI');
  });

  test('a message is chosen where the mouse presses it, though a newer one pushes it down before the release', async ({
    page,
    hub,
  }) => {
    await openInspector(page, hub.dashboardUrl);
    const detail = page.getByTestId('message-detail');
    // Pressed on its body button, or anywhere else on its row: a newer message arrives while the
    // button is down, so the release lands on another row (the browser then sends no click to either).
    const targets = [(row: Locator) => row.locator('.body-btn'), (row: Locator) => row.getByRole('cell').first()];
    for (const [i, target] of targets.entries()) {
      await publish(hub.baseUrl, { topic: 'press', message: `pressed ${i}` });
      await expect(rows(page).first()).toContainText(`pressed ${i}`);
      const box = await target(rows(page).first()).boundingBox();
      if (box === null) throw new Error('the row is not on screen');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await publish(hub.baseUrl, { topic: 'press', message: `newer ${i}` });
      await expect(rows(page).first()).toContainText(`newer ${i}`);
      await page.mouse.up();
      await expect(page.getByTestId('message-body')).toHaveText(`pressed ${i}`);
      await expect(page.locator('[data-testid="message-row"].is-selected')).toContainText(`pressed ${i}`);
      await page.keyboard.press('Escape');
      await expect(detail).toHaveCount(0);
    }
  });

  test('pause holds new messages until resumed', async ({ page, hub }) => {
    await openInspector(page, hub.dashboardUrl);
    await publish(hub.baseUrl, { topic: 'a', message: 'before the pause' });
    await expect(rows(page)).toHaveCount(1);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await publish(hub.baseUrl, { topic: 'a', message: 'during the pause 1' });
    await publish(hub.baseUrl, { topic: 'a', message: 'during the pause 2' });
    await expect(page.getByTestId('inspector-status')).toHaveText('Paused — 2 new messages waiting');
    await expect(rows(page)).toHaveCount(1);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(rows(page)).toHaveCount(3);
    await expect(rows(page).first()).toContainText('during the pause 2');
  });

  test('filters by topic prefix, user and text — at the hub, so nothing else arrives', async ({ page, hub }) => {
    await openInspector(page, hub.dashboardUrl);
    await page.getByTestId('message-topic-filter').fill('kitchen/');
    await page.getByTestId('message-text-filter').fill('ALARM');
    await page.getByTestId('message-user-filter').fill('7');
    // The status says when the hub has the new filter (typing pauses 200 ms before it is sent).
    await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
    await publish(hub.baseUrl, { topic: 'kitchen/smoke', message: 'Alarm! smoke in the kitchen', user_id: 7 });
    await publish(hub.baseUrl, { topic: 'garage/smoke', message: 'alarm in the garage', user_id: 7 });
    await publish(hub.baseUrl, { topic: 'kitchen/smoke', message: 'alarm for another user', user_id: 8 });
    await publish(hub.baseUrl, { topic: 'kitchen/light', message: 'all quiet', user_id: 7 });
    await publish(hub.baseUrl, { topic: 'kitchen/smoke', message: 'alarm: last', user_id: 7 });
    await expect(rows(page).first()).toContainText('alarm: last');
    await expect(rows(page)).toHaveCount(2);
    await expect(rows(page).nth(1)).toContainText('Alarm! smoke in the kitchen');
    // Clearing the filters shows what was kept; the ones filtered out never came.
    await page.getByTestId('message-topic-filter').fill('');
    await page.getByTestId('message-text-filter').fill('');
    await page.getByTestId('message-user-filter').fill('');
    await expect(rows(page)).toHaveCount(2);
    await expect(page.getByText('alarm in the garage')).toHaveCount(0);
  });

  test('exports what it shows to NDJSON and CSV, which parse back to exactly those messages', async ({
    page,
    hub,
    device,
  }) => {
    await device(3, ['report/0']);
    await openInspector(page, hub.dashboardUrl);
    const bodies = ['{"temp": 21.5}', 'comma, "quotes" and\nnew line', 'ünïcødé ✓', '=SUM(A1:A2)', ''];
    const sent: { message: string; user_id?: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const body = { message: `${bodies[i % bodies.length]} #${i}`, ...(i % 4 === 0 ? { user_id: 3 } : {}) };
      await publish(hub.baseUrl, { topic: `report/${i % 3}`, ...body });
      sent.push(body);
    }
    await expect(rows(page)).toHaveCount(20);
    const shown = await rows(page).evaluateAll((elements) =>
      elements.map((row) => [...row.querySelectorAll('[role=cell]')].map((cell) => cell.textContent ?? '')),
    );

    const ndjson = await download(page, () => page.getByRole('button', { name: 'Export messages as NDJSON' }).click());
    expect(ndjson.name).toMatch(/^relay-hub-messages-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.ndjson$/);
    const records = parseNdjson(ndjson.text);
    // Oldest first: exactly what was published, in order, with what the table showed.
    expect(records.map((r) => r.body)).toEqual(sent.map((s) => s.message));
    expect(records.map((r) => r.user)).toEqual(sent.map((s) => s.user_id ?? null));
    expect(records.map((r) => r.topic)).toEqual(sent.map((_, i) => `report/${i % 3}`));
    expect(records.every((r) => r.origin === 'http')).toBe(true);
    expect(records.map((r) => r.delivered)).toEqual(sent.map((_, i) => (i % 3 === 0 ? 1 : 0)));
    expect(records.map((r) => [r.topic, r.user === null ? 'all' : String(r.user as number)])).toEqual(
      shown.toReversed().map((cells) => [cells[1], cells[2]]),
    );
    await expect(page.getByTestId('export-status')).toHaveText(`Exported 20 rows to ${ndjson.name}`);

    const csv = await download(page, () => page.getByRole('button', { name: 'Export messages as CSV' }).click());
    expect(csv.name).toMatch(/\.csv$/);
    const table = parseCsv(csv.text);
    expect(table).toEqual(
      records.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : String(v as string | number)])),
      ),
    );
  });

  test('samples a firehose and says so, with the true rate', async ({ page, hub }) => {
    await openInspector(page, hub.dashboardUrl);
    // 8 KiB messages: the hub's budget per update (256 KiB) holds 32 of them, 320 a second.
    const body = 'x'.repeat(8 * 1024);
    const burst = inBatches(2_400, 8, (i) => publish(hub.baseUrl, { topic: 'firehose', message: `${i} ${body}` }));
    const status = page.getByTestId('inspector-status');
    const rates = async (): Promise<number[]> =>
      ((await status.textContent()) ?? '').match(/[\d,]+(?=\/s)/g)?.map((n) => Number(n.replaceAll(',', ''))) ?? [];
    await expect(status).toContainText(/^Sampled: showing [\d,]+\/s of [\d,]+\/s matching/, { timeout: 20_000 });
    await expect
      .poll(async () => {
        const [shown = 0, matched = 0] = await rates();
        return matched > shown && shown > 0;
      })
      .toBe(true);
    await burst;
    // The buffer holds what was shown, not the whole firehose.
    expect(await page.getByTestId('message-row').count()).toBeGreaterThan(0);
  });
});
