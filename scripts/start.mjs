#!/usr/bin/env node
// `npm start [-- hub flags]`: builds dist/ and launches the desktop app (`electron .`). Where the
// Electron binary is missing (a CI box, a container, an install without its download), it says
// so in one line and runs the headless hub with the browser dashboard instead, which prints the
// dashboard URL with its admin token. Signals are forwarded; the exit code is the child's.
// RELAY_HUB_SKIP_BUILD=1 skips the build (dist/ must be fresh).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const separator = process.argv.indexOf('--', 2);
const extra = separator === -1 ? process.argv.slice(2) : process.argv.slice(separator + 1);

if (process.env.RELAY_HUB_SKIP_BUILD !== '1') {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const electron = process.env.RELAY_HUB_NO_ELECTRON === '1' ? { reason: 'RELAY_HUB_NO_ELECTRON=1' } : findElectron(root);
let command;
let args;
if (electron.path) {
  command = electron.path;
  args = ['.', ...extra];
} else {
  console.log(
    `Electron is not available on this machine (${electron.reason}); starting the headless hub with the dashboard instead.`,
  );
  command = process.execPath;
  args = ['--max-semi-space-size=1', join(root, 'dist/cli/relay-hub.cjs'), '--dashboard', ...extra];
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
