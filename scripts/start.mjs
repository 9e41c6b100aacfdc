#!/usr/bin/env node
// `npm start [-- hub flags]`: builds dist/ and launches the desktop app (`electron .`). When
// Electron's binary is missing it is fetched first (with progress and a time limit). The headless
// hub with the browser dashboard runs instead only where Electron cannot run or cannot be
// fetched (no display, Node too old for Electron's installer, no network), and `npm start` says
// why in one line. Signals are forwarded; the exit code is the child's.
// RELAY_HUB_SKIP_BUILD=1 skips the build (dist/ must be fresh); RELAY_HUB_NO_ELECTRON=1 always
// runs the headless hub; RELAY_HUB_ELECTRON_FETCH_TIMEOUT_MS changes the fetch's time limit
// (default 10 minutes). RELAY_HUB_ELECTRON_INSTALLER and RELAY_HUB_TEST_NODE_VERSION exist for
// the tests only (a stand-in installer script; a pretended Node version).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronForStart, hubNode, olderThan } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const separator = process.argv.indexOf('--', 2);
const extra = separator === -1 ? process.argv.slice(2) : process.argv.slice(separator + 1);
const env = process.env;
const nodeVersion = env.RELAY_HUB_TEST_NODE_VERSION ?? process.versions.node;

if (olderThan(nodeVersion, hubNode)) {
  console.error(
    `start: Node ${nodeVersion} is too old: Relay Hub needs Node ${hubNode} or newer (22.12+ for the desktop app).`,
  );
  process.exit(1);
}

if (env.RELAY_HUB_SKIP_BUILD !== '1') {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const choice = await electronForStart({
  root,
  env,
  platform: process.platform,
  nodeVersion,
  installer: env.RELAY_HUB_ELECTRON_INSTALLER
    ? [process.execPath, env.RELAY_HUB_ELECTRON_INSTALLER]
    : [process.execPath, join(root, 'scripts/install-electron.mjs')],
  timeoutMs: Number(env.RELAY_HUB_ELECTRON_FETCH_TIMEOUT_MS) || 10 * 60_000,
  say: (line) => console.log(line),
});

let command;
let args;
if ('path' in choice) {
  command = choice.path;
  args = ['.', ...extra];
} else {
  console.log(`${choice.fallback}; starting the headless hub with the dashboard instead.`);
  command = process.execPath;
  args = ['--max-semi-space-size=4', join(root, 'dist/cli/relay-hub.cjs'), '--dashboard', ...extra];
}

// Its own process group (POSIX) so a terminal's Ctrl-C reaches it once, through us.
const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: process.platform !== 'win32' });
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal));
process.on('exit', () => forward('SIGTERM'));
child.on('error', (error) => {
  console.error(`start: cannot run ${command}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  process.exit(code ?? signals[signal] ?? 1);
});
