// Finds, and when missing fetches, the Electron binary for `npm start` and the Electron e2e spec.
// Electron 45 downloads its binary lazily (its `install-electron` bin, or the first
// `require('electron')`); `npm ci` never does, because package.json's allowScripts denies the
// electron package's install script. So `npm start` fetches it itself, with progress and a time
// limit, and falls back to the headless hub only when Electron cannot run or cannot be fetched.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Electron 45's tooling (`electron`, `@electron/get` 5) declares `engines: node >= 22.12`. */
export const electronToolingNode = '22.12.0';
/** What the headless hub and the build need (Vite 8, require(esm)). */
export const hubNode = '20.19.0';

/**
 * The Electron binary's path, or the reason it cannot be used.
 * @param {string} root the project folder (where package.json is)
 * @returns {{ path: string } | { reason: string, missing?: true }}
 */
export function findElectron(root) {
  let packageDir;
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && relative === '') {
    return { reason: 'its binary was never downloaded: no node_modules/electron/path.txt', missing: true };
  }
  const path = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `no Electron binary at ${path}`, missing: true };
}

/**
 * True when version `a` (e.g. `20.19.0`, `v22.12.1`) is older than `b`.
 * @param {string} a
 * @param {string} b
 */
export function olderThan(a, b) {
  const parts = (v) =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/**
 * Why Electron cannot open a window here whatever its binary, or null: on Linux and the BSDs a
 * window needs an X11 or Wayland display.
 * @param {NodeJS.Platform} platform
 * @param {Record<string, string | undefined>} env
 */
export function noDisplay(platform, env) {
  if (platform === 'win32' || platform === 'darwin') return null;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? null : 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
}

/**
 * Runs the installer command with a time limit. Its stdout (the progress) goes straight to ours;
 * its stderr is kept, and its last line becomes the reason when it fails.
 * @param {{ command: string[], timeoutMs: number, cwd: string }} options
 * @returns {Promise<{ ok: true } | { ok: false, reason: string }>}
 */
export function runInstaller({ command, timeoutMs, cwd }) {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4096)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ ok: false, reason: `no download finished within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `cannot run the installer: ${error.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true });
      const last = stderr
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .at(-1);
      resolve({ ok: false, reason: last ?? `the installer ended with ${signal ?? `code ${code}`}` });
    });
  });
}

/**
 * What `npm start` runs: the Electron binary (fetched first when missing), or the reason to run
 * the headless hub instead, in one line.
 * @param {{
 *   root: string,
 *   env: Record<string, string | undefined>,
 *   platform: NodeJS.Platform,
 *   nodeVersion: string,
 *   installer: string[],
 *   timeoutMs: number,
 *   say: (line: string) => void,
 * }} options
 * @returns {Promise<{ path: string } | { fallback: string }>}
 */
export async function electronForStart({ root, env, platform, nodeVersion, installer, timeoutMs, say }) {
  if (env.RELAY_HUB_NO_ELECTRON === '1') return { fallback: 'Electron is turned off (RELAY_HUB_NO_ELECTRON=1)' };
  const display = noDisplay(platform, env);
  if (display !== null) return { fallback: `Electron cannot open a window here (${display})` };
  const found = findElectron(root);
  if ('path' in found) return found;
  if (!found.missing) return { fallback: `Electron is not available on this machine (${found.reason})` };
  if (olderThan(nodeVersion, electronToolingNode)) {
    return {
      fallback:
        `Electron's binary is missing and cannot be fetched with Node ${nodeVersion.replace(/^v/, '')}: ` +
        `Electron 45's installer needs Node ${electronToolingNode} or newer (install it, then run npm start again)`,
    };
  }
  say(`Electron's binary is missing: fetching it once (about 100 MB; at most ${Math.round(timeoutMs / 1000)} s)…`);
  const outcome = await runInstaller({ command: installer, timeoutMs, cwd: root });
  if (!outcome.ok) return { fallback: `Electron could not be fetched (${outcome.reason})` };
  const fetched = findElectron(root);
  return 'path' in fetched ? fetched : { fallback: `Electron could not be fetched (${fetched.reason})` };
}
