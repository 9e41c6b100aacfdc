import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminCommand, Device, register } from '../support/relay';

// `npm start` as real child processes. Electron's own download is never used: a stand-in
// installer (a script) succeeds, fails or hangs, and a stand-in "Electron" prints its arguments.
const token = 'start-test-token-0123456789';
const children: ChildProcess[] = [];

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Started {
  installerRan: () => boolean;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the match once the output shows `pattern` (rejects if the process exits first). */
  wait: (pattern: RegExp) => Promise<RegExpExecArray>;
}

/** Installer stand-ins: each leaves a marker file to prove it ran. */
const installers = {
  succeeds: `
    import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
    import { join } from 'node:path';
    writeFileSync(process.env.MARKER, 'ran');
    console.log('  Downloading Electron 45.4.1: 50% (53.6 of 107.2 MB)');
    const dir = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'electron'), '#!/bin/sh\\necho "stand-in Electron started with: $*"\\n');
    chmodSync(join(dir, 'electron'), 0o755);
    console.log('  Electron 45.4.1 is ready.');`,
  fails: `
    import { writeFileSync } from 'node:fs';
    writeFileSync(process.env.MARKER, 'ran');
    console.error('TypeError: fetch failed');
    console.error('fetch failed (ENOTFOUND)');
    process.exit(1);`,
  hangs: `
    import { writeFileSync } from 'node:fs';
    writeFileSync(process.env.MARKER, 'ran');
    console.log('  Downloading Electron 45.4.1: 0% (0.0 MB)');
    setInterval(() => {}, 1000);`,
};

/** Runs `npm start -- <hub flags>` (build skipped) with `env`, and an installer stand-in. */
function start(env: Record<string, string | undefined>, installer: keyof typeof installers = 'fails') {
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-start-'));
  const script = join(dir, `installer-${installer}.mjs`);
  writeFileSync(script, installers[installer]);
  const marker = join(dir, 'installer-ran');
  const base: Record<string, string | undefined> = { ...process.env };
  // Each test says which display and Node version it pretends to have.
  delete base.DISPLAY;
  delete base.WAYLAND_DISPLAY;
  delete base.RELAY_HUB_NO_ELECTRON;
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--', '--host', '127.0.0.1', '--port', '0', '--dashboard-token', token],
    {
      env: {
        ...base,
        RELAY_HUB_SKIP_BUILD: '1',
        RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-start-data-')),
        // Only the human lines: JSON logs on stderr could race the first stdout line.
        RELAY_HUB_LOG_LEVEL: 'warn',
        ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'electron-dist'),
        RELAY_HUB_ELECTRON_INSTALLER: script,
        RELAY_HUB_ELECTRON_FETCH_TIMEOUT_MS: '2000',
        MARKER: marker,
        ...env,
      },
    },
  );
  children.push(child);
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const wait = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = pattern.exec(text);
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${text}`);
      await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
    }
  };
  return { child, output: () => text, wait, installerRan: () => existsSync(marker) };
}

/** The headless hub came up: its dashboard token works and a real device gets a publish. */
async function headlessWorks(started: Started): Promise<void> {
  const [, port] = await started.wait(/Relay Hub listening on 127\.0\.0\.1:(\d+)/);
  await started.wait(/Register a device/);
  expect(started.output()).toContain(`Dashboard: http://127.0.0.1:${port}/dashboard/#token=${token}`);
  const { url } = await register(Number(port), 8);
  const device = await Device.connect(url);
  const published = await adminCommand(Number(port), token, 'publish', { topic: 'cats', message: 'hi' });
  expect(published).toMatchObject({ ok: true, value: { delivered: 1, offset: 1 } });
  await device.waitForMessages(1);
  started.child.kill('SIGTERM');
  const [code] = (await once(started.child, 'exit')) as [number | null];
  expect(code).toBe(0);
  expect(await device.closed()).toBe(1001);
  expect(started.output()).toContain('relay-hub: stopped');
}

const fallbackLine = /^(.+); starting the headless hub with the dashboard instead\.$/m;
const desktop = { DISPLAY: ':99', RELAY_HUB_TEST_NODE_VERSION: '22.12.0' };

describe('npm start', () => {
  it('fetches a missing Electron binary (showing progress), then launches the app with the hub flags', async () => {
    const started = start(desktop, 'succeeds');
    await started.wait(/stand-in Electron started with: (.*)/);
    const [code] = (await once(started.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const text = started.output();
    expect(text).toMatch(/Electron's binary is missing: fetching it once \(about 100 MB; at most 2 s\)…/);
    expect(text).toContain('Downloading Electron 45.4.1: 50%');
    expect(text).toContain('stand-in Electron started with: . --host 127.0.0.1 --port 0 --dashboard-token');
    expect(text).not.toMatch(fallbackLine);
  });

  it('falls back to the headless hub, saying why in one line, when the fetch fails', async () => {
    const started = start(desktop, 'fails');
    await headlessWorks(started);
    const lines = started
      .output()
      .split('\n')
      .filter((line) => fallbackLine.test(line));
    expect(lines).toEqual([
      'Electron could not be fetched (fetch failed (ENOTFOUND)); starting the headless hub with the dashboard instead.',
    ]);
  });

  it('gives up on a fetch that hangs at its time limit, and runs the headless hub', async () => {
    const started = start(desktop, 'hangs');
    const at = Date.now();
    await started.wait(fallbackLine);
    expect(Date.now() - at).toBeLessThan(10_000);
    expect(started.output()).toContain('Electron could not be fetched (no download finished within 2 s)');
    await headlessWorks(started);
  });

  it('says when the Node version is the reason, without trying to fetch', async () => {
    const started = start({ ...desktop, RELAY_HUB_TEST_NODE_VERSION: '20.19.0' }, 'succeeds');
    await headlessWorks(started);
    expect(started.output()).toMatch(
      /^Electron's binary is missing and cannot be fetched with Node 20\.19\.0: Electron 45's installer needs Node 22\.12\.0 or newer \(install it, then run npm start again\); starting the headless hub/m,
    );
    expect(started.installerRan()).toBe(false);
  });

  it('runs the headless hub where no window can open (no display), without fetching anything', async () => {
    const started = start({ RELAY_HUB_TEST_NODE_VERSION: '22.12.0' }, 'succeeds');
    await headlessWorks(started);
    const first = started.output().split('\n')[0];
    expect(first).toMatch(
      /^Electron cannot open a window here \(no display: neither DISPLAY nor WAYLAND_DISPLAY is set\); starting/,
    );
    expect(started.installerRan()).toBe(false);
  });

  it('refuses a Node older than the headless hub needs, in one line', async () => {
    const started = start({ RELAY_HUB_TEST_NODE_VERSION: '18.20.0' });
    const [code] = (await once(started.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(started.output().trim()).toBe(
      'start: Node 18.20.0 is too old: Relay Hub needs Node 20.19.0 or newer (22.12+ for the desktop app).',
    );
  });
});
