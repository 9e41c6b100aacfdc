/**
 * What an operator found trying the GUI (issue 28), fixed: each in Chromium against a real hub.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { publish } from './devices';
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

test('every filter box shows its whole placeholder', async ({ page, hub, device }) => {
  await device(1, ['kitchen/light']);
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-row')).toHaveCount(1);
  const cut: string[] = [];
  for (const view of ['clients', 'users', 'topics', 'messages', 'log'] as const) {
    await page.getByTestId(`tab-${view}`).click();
    await expect(page.getByTestId(`tab-${view}`)).toHaveAttribute('aria-selected', 'true');
    cut.push(
      ...(await page.locator('.toolbar input[placeholder]').evaluateAll((inputs) =>
        inputs.flatMap((element) => {
          const input = element as HTMLInputElement;
          const style = getComputedStyle(input);
          const context = document.createElement('canvas').getContext('2d');
          if (context === null) return ['no canvas'];
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24; // the clear button
          const needed = context.measureText(input.placeholder).width;
          return needed <= room ? [] : [`${input.placeholder} (${Math.round(needed)} px in ${Math.round(room)})`];
        }),
      )),
    );
  }
  expect(cut).toEqual([]);
});

test('a client’s panel keeps its buttons, the table’s Unregister column and all its topics in view at 900 px', async ({
  page,
  hub,
  device,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const topics = Array.from({ length: 12 }, (_, i) => `sensors/room-${i}/temp`);
  const phone = await device(3, topics);
  // Ten reconnects: a long list of disconnects in the panel.
  phone.close();
  await phone.closed;
  for (let i = 0; i < 10; i++) {
    const socket = new WebSocket(phone.url);
    await once(socket, 'open');
    socket.close(4100 + i, 'again');
    await once(socket, 'close');
  }
  await page.goto(hub.dashboardUrl);
  const row = page.locator(`[data-testid="client-row"][data-row-id="${phone.id}"]`);
  await row.getByRole('cell').nth(1).click();
  const detail = page.getByTestId('client-detail');
  await expect(detail.getByTestId('disconnects').locator('li')).toHaveCount(10);
  await expect(detail.getByRole('button', { name: /^Copy URL/ })).toBeInViewport();
  await expect(detail.getByRole('button', { name: /^Unregister client/ })).toBeInViewport();
  await expect(row.getByTestId('unregister')).toBeInViewport();
  await expect(detail.getByTestId('topic-chips').locator('.chip')).toHaveCount(12);
  await expect(detail.getByTestId('topic-chips').locator('.chips-shared')).toHaveText('sensors/…/temp');
});

test('the message whose detail is open stays in view while newer messages arrive above it', async ({ page, hub }) => {
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-messages').click();
  await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
  for (let i = 0; i < 3; i++) await publish(hub.baseUrl, { topic: `first/${i}`, message: `m${i}` });
  await expect(page.getByTestId('message-row')).toHaveCount(3);
  await page.getByTestId('message-row').filter({ hasText: 'first/1' }).getByRole('cell').nth(2).click();
  await expect(page.getByTestId('message-detail')).toContainText('first/1');
  for (let i = 0; i < 60; i++) await publish(hub.baseUrl, { topic: `later/${i}`, message: `n${i}` });
  await expect(page.locator('[role=table][aria-label=Messages]')).toHaveAttribute('aria-rowcount', '64');
  const selected = page.locator('[data-testid="message-row"].is-selected');
  await expect(selected).toContainText('first/1');
  await expect(selected).toBeInViewport();
});

test('in Settings, a label that wraps moves no input out of line with its row', async ({ page, hub }) => {
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(hub.dashboardUrl);
  await page.getByTestId('tab-settings').click();
  const misaligned = await page.locator('.settings-grid').evaluateAll((grids) =>
    grids.flatMap((grid) => {
      // Fields whose tops line up form a row: their inputs must line up too.
      const rows = new Map<number, { label: string; top: number; wraps: boolean }[]>();
      for (const field of grid.querySelectorAll(':scope > .field')) {
        const label = field.querySelector('label');
        const input = field.querySelector('input:not([type=checkbox]), select, textarea');
        if (label === null || input === null) continue;
        const top = Math.round(field.getBoundingClientRect().top);
        const wraps = label.getBoundingClientRect().height > 24;
        rows.set(top, [
          ...(rows.get(top) ?? []),
          { label: label.textContent ?? '', top: Math.round(input.getBoundingClientRect().top), wraps },
        ]);
      }
      return [...rows.values()].flatMap((row) =>
        row.some((f) => f.wraps) && new Set(row.map((f) => f.top)).size > 1
          ? [row.map((f) => `${f.label}@${f.top}`).join(' | ')]
          : [],
      );
    }),
  );
  expect(misaligned).toEqual([]);
});
