/**
 * Binary messages in the GUI (issue 18): the publish form sends hex, base64 and a file's bytes
 * exactly, refuses bad hex beside the field, and the inspector and its exports show bytes as
 * size + hex and base64 with an `encoding` column.
 */
import { once } from 'node:events';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { register } from './devices';
import { download, parseCsv, parseNdjson } from './exports';
import { expect, test } from './fixtures';
import { publishForm } from './pages';

/** A raw device that keeps its binary frames. */
async function binaryDevice(baseUrl: string, topic: string): Promise<{ next(): Promise<Buffer>; close(): void }> {
  const { url } = await register(baseUrl, 1);
  const socket = new WebSocket(url);
  const frames: Buffer[] = [];
  const waiters: ((frame: Buffer) => void)[] = [];
  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return;
    const waiter = waiters.shift();
    if (waiter === undefined) frames.push(data);
    else waiter(data);
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ topics: [topic] }));
  return {
    next: () => {
      const frame = frames.shift();
      return frame !== undefined ? Promise.resolve(frame) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () => socket.close(),
  };
}

async function publishAs(page: Page, format: 'Hex' | 'Base64', text: string): Promise<void> {
  await publishForm(page).getByRole('button', { name: format, exact: true }).click();
  await publishForm(page).getByLabel('Message', { exact: true }).fill(text);
  await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
}

test('the publish form sends hex, base64 and a file as exact bytes; the inspector and exports show them', async ({
  page,
  hub,
}) => {
  const camera = await binaryDevice(hub.baseUrl, 'cam');
  const inspector = await page.context().newPage();
  await inspector.goto(hub.dashboardUrl);
  await inspector.getByTestId('tab-messages').click();
  await expect(inspector.getByTestId('inspector-status')).toHaveAttribute('data-state', 'live');

  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-row').locator('.chip')).toHaveText(['cam']); // subscribed
  await page.getByTestId('tab-send').click();
  await publishForm(page).getByLabel('Topic', { exact: true }).fill('cam');
  await publishAs(page, 'Hex', 'de ad be ef zz');
  await expect(publishForm(page).getByText('“z” at position 13 is not a hex digit (0–9, a–f)')).toBeVisible();
  await expect(publishForm(page).getByLabel('Message', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('publish-outcome')).toHaveText('');

  await publishAs(page, 'Hex', 'de ad be ef 00 ff');
  await expect(page.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');
  expect(await camera.next()).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]));
  await publishAs(page, 'Base64', 'AAECAw==');
  expect(await camera.next()).toEqual(Buffer.from([0, 1, 2, 3]));
  const file = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await publishForm(page).getByRole('button', { name: 'File', exact: true }).click();
  await publishForm(page).getByLabel('File', { exact: true }).setInputFiles({
    name: 'every-byte.bin',
    mimeType: 'application/octet-stream',
    buffer: file,
  });
  await expect(publishForm(page).getByText(/one binary frame · 256 B/)).toBeVisible();
  await publishForm(page).getByRole('button', { name: 'Publish', exact: true }).click();
  expect(await camera.next()).toEqual(file);

  const rows = inspector.getByTestId('message-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(2)).toContainText('binary 6 B · de ad be ef 00 ff');
  await rows.nth(2).locator('.body-btn').click();
  await expect(inspector.getByTestId('message-detail')).toContainText('Body (binary, hex)');
  await expect(inspector.getByTestId('message-body')).toHaveText(`0000  ${'de ad be ef 00 ff'.padEnd(23)}  ......`);
  const ndjson = await download(inspector, () =>
    inspector.getByRole('button', { name: 'Export messages as NDJSON' }).click(),
  );
  const records = parseNdjson(ndjson.text);
  expect(records.map((r) => [r.encoding, r.body, r.bytes])).toEqual([
    ['base64', '3q2+7wD/', 6],
    ['base64', 'AAECAw==', 4],
    ['base64', file.toString('base64'), 256],
  ]);
  const csv = await download(inspector, () =>
    inspector.getByRole('button', { name: 'Export messages as CSV' }).click(),
  );
  expect(parseCsv(csv.text).map((r) => [r.encoding, r.body])).toEqual(records.map((r) => [r.encoding, r.body]));
  camera.close();
});
