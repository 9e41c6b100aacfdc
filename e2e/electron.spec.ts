/**
 * The desktop app end to end (Playwright's Electron driver): a device registered over HTTP
 * appears in the window, and a message published from the window's form reaches it.
 * Needs the Electron binary (node_modules/electron/path.txt + dist/); skipped, saying why, without it.
 */
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { RegisterResponse } from '../shared/api';
import { electronBinary } from './electron-binary';

const root = fileURLToPath(new URL('..', import.meta.url));

const binary = electronBinary();
const built = existsSync(join(root, 'dist/main/index.cjs')) && existsSync(join(root, 'dist/renderer/index.html'));

test.describe('Electron app', () => {
  test.skip(
    !('path' in binary),
    `Electron cannot run on this machine (${'reason' in binary ? binary.reason : ''}); the same GUI is covered through the dashboard specs.`,
  );
  test.skip(!built, 'dist/ is not built: run `node scripts/build.mjs` first');

  let app: ElectronApplication | null = null;
  test.afterEach(async () => {
    await app?.close();
    app = null;
  });

  test('a device registered over HTTP appears, and a publish from the form reaches it', async () => {
    if (!('path' in binary)) return;
    app = await electron.launch({
      executablePath: binary.path,
      args: [root],
      cwd: root,
      env: {
        ...process.env,
        RELAY_HUB_HOST: '127.0.0.1',
        RELAY_HUB_PORT: '0',
        // Never announced over mDNS on this machine's real network.
        RELAY_HUB_MDNS: '0',
        RELAY_HUB_MQTT_PORT: 'off',
        RELAY_HUB_MQTTS_PORT: 'off',
        RELAY_HUB_USER_DATA: mkdtempSync(join(tmpdir(), 'relay-hub-electron-')),
      },
    });
    let output = '';
    const stdout = app.process().stdout;
    if (!stdout) throw new Error('no stdout from the Electron process');
    stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let port = 0;
    while (port === 0) {
      port = Number(/Relay Hub listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0);
      if (port === 0) await once(stdout, 'data');
    }
    const window = await app.firstWindow();

    const response = await fetch(`http://127.0.0.1:${port}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 5 }),
    });
    const { url, id } = (await response.json()) as RegisterResponse;
    const socket = new WebSocket(url);
    await once(socket, 'open');
    const received = new Promise<string>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(data.toString())),
    );

    await expect(window.locator(`[data-testid="client-row"][data-row-id="${id}"]`)).toBeVisible();
    await window.getByTestId('tab-send').click();
    const form = window.getByRole('form', { name: 'Publish a message' });
    await form.getByLabel('Topic', { exact: true }).fill('cats');
    await form.getByLabel('Message', { exact: true }).fill('hello from the desktop app');
    await form.getByRole('button', { name: 'Publish', exact: true }).click();
    expect(await received).toBe('hello from the desktop app');
    await expect(window.getByTestId('publish-outcome')).toHaveText('Delivered to 1 client');
    socket.close();
  });
});
