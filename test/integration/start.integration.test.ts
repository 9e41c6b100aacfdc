import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminCommand, Device, register } from '../support/relay';

// `npm start` where Electron cannot run (no binary here): the headless hub with the dashboard.
const electronInstalled = existsSync('node_modules/electron/path.txt');
const token = 'start-test-token-0123456789';
const children: ChildProcess[] = [];

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function waitForOutput(child: ChildProcess, pattern: RegExp, output: () => string): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output()}`);
    await once(child.stdout!, 'data');
  }
}

describe('npm start without an Electron binary', () => {
  it.skipIf(electronInstalled)('says why in one line and runs the headless hub with the dashboard', async () => {
    const child = spawn(
      process.execPath,
      ['scripts/start.mjs', '--', '--host', '127.0.0.1', '--port', '0', '--dashboard-token', token],
      {
        env: {
          ...process.env,
          RELAY_HUB_SKIP_BUILD: '1',
          RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-start-')),
          // Only the human lines: JSON logs on stderr could race the first stdout line in `text`.
          RELAY_HUB_LOG_LEVEL: 'warn',
        },
      },
    );
    children.push(child);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const [, port] = await waitForOutput(child, /Relay Hub listening on 127\.0\.0\.1:(\d+)/, () => text);
    await waitForOutput(child, /Register a device/, () => text);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^Electron is not available on this machine \(.+\); starting the headless hub with the dashboard instead\.$/,
    );
    expect(lines.filter((line) => line.startsWith('Electron is not available'))).toHaveLength(1);
    expect(lines).toContain(`Dashboard: http://127.0.0.1:${port}/dashboard/#token=${token}`);

    // The printed token opens the admin socket, and its commands reach a real device.
    const { url } = await register(Number(port), 8);
    const device = await Device.connect(url);
    const published = await adminCommand(Number(port), token, 'publish', { topic: 'cats', message: 'hi' });
    expect(published).toMatchObject({ ok: true, value: { delivered: 1, offset: 1 } });
    await device.waitForMessages(1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(await device.closed()).toBe(1001);
    expect(text).toContain('relay-hub: stopped');
  });
});
