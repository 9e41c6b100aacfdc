/**
 * Screenshots of every main view, light and dark, narrow too: test-results/screenshots/ after
 * each e2e run (a person looks at them when the GUI changes). `npm run screenshots` copies the
 * curated few the README and docs/ show into docs/screenshots/.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { connectDevice, publish } from './devices';
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
    test.setTimeout(120_000);
    const rooms = ['kitchen/light', 'kitchen/oven', 'living-room/tv', 'garage/door', 'alerts'];
    const phones = [];
    for (let i = 0; i < 14; i++) phones.push(await device(100 + (i % 5), [rooms[i % 5] ?? 'alerts', 'alerts']));
    // A device that rebooted once: its detail lists the close code.
    const rebooted = phones[0];
    if (rebooted === undefined) throw new Error('no device');
    rebooted.socket.close(4100, 'firmware update');
    await rebooted.closed;
    const again = new WebSocket(rebooted.url);
    await once(again, 'open');
    again.send(JSON.stringify({ topics: ['kitchen/light', 'alerts'] }));

    // About 20 s of traffic that rises and falls, so the charts have a shape.
    let running = true;
    const traffic = (async () => {
      for (let n = 0; running; n++) {
        const topic = rooms[n % 3 === 0 ? 0 : n % 5] ?? 'alerts';
        const reading = { sensor: topic, value: Math.round(200 + 50 * Math.sin(n / 15)) / 10, unit: '°C', seq: n };
        await publish(hub.baseUrl, {
          topic,
          message: n % 4 === 3 ? `door ${n % 8 === 3 ? 'open' : 'closed'}` : JSON.stringify(reading),
        });
        await new Promise((resolve) => setTimeout(resolve, 40 + 60 * Math.abs(Math.sin(n / 40))));
      }
    })();
    try {
      await page.goto(hub.dashboardUrl);
      await expect(page.getByTestId('client-row')).toHaveCount(14);
      await page.getByTestId('tab-messages').click();
      await expect(page.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');
      await page.waitForTimeout(20_000);
      await page.getByTestId('message-row').filter({ hasText: 'sensor' }).first().locator('.body-btn').click();
      await expect(page.getByTestId('message-body')).toContainText('"unit"');
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.screenshot(shot('messages-light'));
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot(shot('messages-dark'));
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByRole('button', { name: 'Resume', exact: true }).click();

      await page.getByTestId('tab-charts').click();
      await expect(page.getByTestId('chart-deliveries').locator('canvas').first()).toBeVisible();
      await page.screenshot(shot('charts-light'));
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot(shot('charts-dark'));
      await page.emulateMedia({ colorScheme: 'light' });
    } finally {
      running = false;
      await traffic;
    }

    await page.getByTestId('tab-clients').click();
    await page.screenshot(shot('clients-light'));
    await page.getByRole('button', { name: `Details of client ${rebooted.id.slice(0, 8)}` }).click();
    await expect(page.getByTestId('disconnects')).toContainText('code 4100');
    await page.screenshot(shot('clients-detail-light'));
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-users').click();
    await page.screenshot(shot('users-light'));
    await page.getByTestId('tab-topics').click();
    await page.screenshot(shot('topics-tree-busy-light'));
    await page.getByTestId('topics-list').click();
    await page.screenshot(shot('topics-light'));
    await page.getByRole('button', { name: 'Publish to kitchen/light' }).click();
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
    await page.getByRole('button', { name: `Details of client ${rebooted.id.slice(0, 8)}` }).click();
    await page.screenshot(shot('clients-detail-dark'));
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 900, height: 640 });
    await page.screenshot(shot('clients-narrow'));
    await page.getByTestId('tab-messages').click();
    await page.screenshot(shot('messages-narrow'));
    await page.getByTestId('tab-charts').click();
    await page.screenshot(shot('charts-narrow'));
    await page.getByTestId('tab-send').click();
    await page.screenshot(shot('send-narrow'));
    again.close();
  });

  test('adding a device, the phone page, keys and a topic’s history', async ({ browser, page, hub, device }) => {
    test.setTimeout(90_000);
    await device(4, ['kitchen/temp']);
    await device(5, ['kitchen/temp', 'alerts']);
    for (const name of ['thermostat-hall', 'garage-door']) {
      await fetch(`${hub.baseUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 6, name }),
      });
    }
    const board = await connectDevice(hub.baseUrl, 7, ['kitchen/temp']);
    board.close();
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-keys').click();
    // A key for the greenhouse's boards, one revoked.
    for (const [name, topics] of [
      ['greenhouse boards', 'greenhouse/*'],
      ['old tablet', 'kitchen/*'],
    ] as const) {
      await page.getByRole('button', { name: 'Create a key…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create a device key' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('User ids').fill('8, 9');
      await dialog.getByLabel('Topics it may subscribe to').fill(topics);
      if (name === 'greenhouse boards') await dialog.getByLabel('Key expires').selectOption({ label: 'In 30 days' });
      await dialog.getByRole('button', { name: 'Create the key' }).click();
      await dialog.getByRole('button', { name: 'Done' }).click();
    }
    await page.getByRole('button', { name: /^Revoke key old tablet/ }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();

    await page.getByRole('button', { name: 'Add a device…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a device' });
    await dialog.getByLabel('Name').fill('Alice phone');
    await dialog.getByLabel('User id').fill('3');
    await dialog.getByLabel('Topics it may subscribe to').fill('kitchen/temp, alerts');
    await dialog.getByLabel('Key expires').selectOption({ label: 'In 1 year' });
    await page.screenshot(shot('add-device-form-light'));
    await dialog.getByRole('button', { name: 'Create the link' }).click();
    const link = (await dialog.getByTestId('pair-link').textContent()) ?? '';
    await page.screenshot(shot('add-device-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('add-device-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The phone pairs and chats.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await phone.goto(link);
    await expect(phone.getByRole('status').first()).toHaveText('Connected');
    await publish(hub.baseUrl, { topic: 'kitchen/temp', message: '{"celsius": 21.5}' });
    await publish(hub.baseUrl, { topic: 'alerts', message: 'Front door opened' });
    await phone.getByRole('textbox', { name: 'Message' }).fill('On my way home');
    await phone.getByRole('button', { name: 'Send' }).tap();
    await expect(phone.getByText('Sent to')).toBeVisible();
    await phone.screenshot({ path: 'test-results/screenshots/phone-light.png' });
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.screenshot({ path: 'test-results/screenshots/phone-dark.png' });
    await context.close();

    await expect(page.getByTestId('key-row').filter({ hasText: 'Alice phone' }).getByRole('cell').nth(7)).toHaveText(
      '1',
    );
    await page.screenshot(shot('keys-light'));
    await page.getByTestId('tab-clients').click();
    await page.screenshot(shot('clients-names-light'));

    // A topic's history: JSON, bytes, a retained value.
    for (let i = 0; i < 6; i++) {
      await publish(hub.baseUrl, { topic: 'kitchen/temp', message: JSON.stringify({ celsius: 21 + i / 2, seq: i }) });
    }
    await fetch(`${hub.baseUrl}/publish?topic=kitchen/temp`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0x01, 0x15, 0x00, 0xd7, 0x48, 0x69]),
    });
    await fetch(`${hub.baseUrl}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'kitchen/temp', message: '{"celsius": 24, "retained": true}', retain: true }),
    });
    await publish(hub.baseUrl, { topic: 'lights/porch', message: 'on' });
    await page.getByTestId('tab-topics').click();
    await page.getByTestId('topics-list').click();
    await page.getByRole('button', { name: 'History of kitchen/temp' }).click();
    await expect(page.getByTestId('history-item').first()).toContainText('retained');
    await page.screenshot(shot('topics-history-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('topics-history-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-send').click();
    await publishForm(page).getByLabel('Topic', { exact: true }).fill('kitchen/raw');
    await publishForm(page).getByRole('button', { name: 'Hex', exact: true }).click();
    await publishForm(page).getByLabel('Message', { exact: true }).fill('01 15 00 d7 4g');
    await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
    await page.screenshot(shot('send-hex-invalid'));
  });

  test('the topic tree: a deep topic set, a plot and a diff', async ({ page, hub, device }) => {
    test.setTimeout(120_000);
    // Real devices publish their readings over their sockets, on three levels of topics.
    const sensors = await Promise.all([1, 2, 3].map((floor) => device(floor, [])));
    await device(9, ['building/floor-1/kitchen/temp', 'building/floor-2/hall/temp']);
    const rooms = ['kitchen', 'office', 'hall', 'lab'];
    let id = 0;
    const send = (floor: number, topic: string, message: string, retain = false): void => {
      sensors[floor - 1]?.socket.send(JSON.stringify({ publish: { topic, message, retain }, id: ++id }));
    };
    for (let n = 0; n < 24; n++) {
      for (const floor of [1, 2, 3]) {
        for (const [r, room] of rooms.entries()) {
          const base = `building/floor-${floor}/${room}`;
          const celsius = Math.round((20 + floor + r / 2 + 1.5 * Math.sin((n + r) / 3)) * 10) / 10;
          send(floor, `${base}/temp`, JSON.stringify({ celsius, humidity: 40 + ((n * 7 + r) % 13), seq: n }));
          if (n % 6 === 0) send(floor, `${base}/co2`, String(420 + ((n * 37 + r * 11) % 300)));
        }
      }
      if (n === 0) {
        for (const floor of [1, 2, 3]) send(floor, `building/floor-${floor}/lights`, n % 2 === 0 ? 'on' : 'off', true);
        send(1, 'building/firmware', new Date(0).toISOString().slice(0, 10), true);
      }
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await publish(hub.baseUrl, { topic: 'alerts/smoke', message: '{"level":"ok"}' });
    await page.goto(hub.dashboardUrl);
    await page.getByTestId('tab-topics').click();
    const node = (path: string) => page.locator(`[data-testid="tree-node"][data-path="${path}"]`);
    await expect(node('building')).toBeVisible();
    for (const path of ['building', 'building/floor-1', 'building/floor-1/kitchen', 'building/floor-2']) {
      await node(path).locator('.tree-toggle').click();
    }
    await node('building/floor-1/kitchen/temp').click();
    const detail = page.getByTestId('topic-detail');
    await expect(detail.getByTestId('topic-plot').locator('canvas').first()).toBeVisible();
    await page.screenshot(shot('topic-tree-light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot(shot('topic-tree-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
    await detail.getByTestId('topic-plot').scrollIntoViewIfNeeded();
    await page.screenshot(shot('topic-tree-plot'));
    await detail.getByTestId('history-diff').first().scrollIntoViewIfNeeded();
    await page.screenshot(shot('topic-tree-diff'));
    await page.getByTestId('tree-filter').fill('building/+/+/temp');
    await expect(page.getByTestId('tree-count')).toHaveText('12 of 30 topics');
    await page.screenshot(shot('topic-tree-filter'));
  });
});
