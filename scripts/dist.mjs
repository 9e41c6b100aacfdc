#!/usr/bin/env node
// `npm run dist [-- electron-builder args]`: builds dist/, then runs electron-builder with
// electron-builder.yml for the current platform (or the platforms given: --win, --mac, --linux).
// `--no-build` packages the dist/ already there (e.g. a CI step that built and tested it).
//
// Electron itself is resolved first, so an offline machine fails in seconds with one clear line
// instead of hanging on a download: ELECTRON_DIST (or RELAY_HUB_ELECTRON_DIST) naming an unpacked
// Electron or its zip wins; then node_modules/electron/dist; then a zip already in Electron's
// download cache; otherwise the download host must answer a quick probe.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2).filter((arg) => arg !== '--no-build');
const skipBuild = process.argv.includes('--no-build');

/** Stops with one line on stderr (what is missing and what to do). */
function fail(message) {
  console.error(`dist: ${message}`);
  process.exit(1);
}

/** The platform electron-builder will package for first (electron-builder's own flags). */
function targetPlatform() {
  if (args.some((arg) => ['-w', '--win', '--windows'].includes(arg))) return 'win32';
  if (args.some((arg) => ['-m', '-o', '--mac', '--macos'].includes(arg))) return 'darwin';
  if (args.some((arg) => ['-l', '--linux'].includes(arg))) return 'linux';
  return process.platform;
}

/** A zip of this Electron version/platform/arch already in @electron/get's cache, if any. */
function cachedZip(name) {
  const roots = [
    process.env.ELECTRON_CACHE,
    process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Caches', 'electron')
      : process.platform === 'win32'
        ? join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache')
        : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron'),
  ].filter(Boolean);
  for (const dir of roots) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (!existsSync(dir)) continue;
    for (const sub of readdirSync(dir, { withFileTypes: true })) {
      if (sub.isDirectory() && existsSync(join(dir, sub.name, name))) return join(dir, sub.name, name);
    }
  }
  return undefined;
}

/** True when the Electron download host answers within a few seconds (any HTTP status counts). */
async function reachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** electron-builder config overrides that point it at a local Electron, if one is needed. */
async function electronOverrides() {
  const local = process.env.ELECTRON_DIST || process.env.RELAY_HUB_ELECTRON_DIST;
  if (local) {
    const path = resolve(local);
    if (!existsSync(path)) fail(`ELECTRON_DIST=${local} does not exist (want an unpacked Electron or its .zip).`);
    return [`-c.electronDist=${path}`];
  }
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const platform = targetPlatform();
  const bundled = join(root, 'node_modules', 'electron', 'dist');
  if (platform === process.platform && existsSync(bundled) && readdirSync(bundled).length > 0) {
    return [`-c.electronDist=${bundled}`];
  }
  const zip = `electron-v${version}-${platform}-${process.arch}.zip`;
  if (cachedZip(zip)) return []; // electron-builder finds it in the cache by itself
  const mirror = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  if (await reachable(`${mirror.replace(/\/?$/, '/')}v${version}/${zip}`)) return [];
  fail(
    `Electron ${version} for ${platform} is not available offline and ${new URL(mirror).host} is unreachable: ` +
      'set ELECTRON_DIST to an unpacked Electron (or its zip) and retry.',
  );
}

const overrides = await electronOverrides();

if (!skipBuild) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) fail('build failed (see above).');
}

const publish = args.some((arg) => arg === '-p' || arg.startsWith('--publish')) ? [] : ['--publish', 'never'];
const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
const packaged = spawnSync(process.execPath, [cli, ...args, ...overrides, ...publish], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(packaged.status ?? 1);
