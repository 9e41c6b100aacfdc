#!/usr/bin/env node
// Fetches Electron's binary the way node_modules/electron/install.js does (same version,
// checksums, cache and mirror settings), but shows the download's progress: @electron/get is
// asked for the zip with a progress callback, then install.js runs and finds it in the cache,
// unpacks it and writes path.txt. Exit 0 when the binary is in place; non-zero with one line
// on stderr otherwise. Used by `npm start`; `node scripts/install-electron.mjs` works by hand.
import { execSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
const fromElectron = createRequire(join(electronDir, 'package.json'));
const { version } = fromElectron('./package.json');
const env = process.env;

const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
let arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
if (platform === 'darwin' && process.platform === 'darwin' && arch === 'x64' && env.npm_config_arch === undefined) {
  // As install.js: an x64 Node under Rosetta on an Apple Silicon Mac gets the arm64 build.
  try {
    if (execSync('sysctl -in sysctl.proc_translated').toString().trim() === '1') arch = 'arm64';
  } catch {
    // not a Mac with Rosetta
  }
}

const tty = process.stdout.isTTY === true;
let shown = -1;
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const progress = ({ transferred, total, percent }) => {
  const whole = Math.floor(percent * 100);
  const size = total ? `${mb(transferred)} of ${mb(total)} MB` : `${mb(transferred)} MB`;
  if (tty) process.stdout.write(`\r  Downloading Electron ${version}: ${whole}% (${size})   `);
  else if (whole >= shown + 10 || whole === 100) {
    shown = whole - (whole % 10);
    process.stdout.write(`  Downloading Electron ${version}: ${whole}% (${size})\n`);
  }
};

try {
  const { downloadArtifact } = await import(pathToFileURL(fromElectron.resolve('@electron/get')).href);
  await downloadArtifact({
    version,
    artifactName: 'electron',
    cacheRoot: env.electron_config_cache,
    checksums:
      env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums
        ? undefined
        : fromElectron('./checksums.json'),
    platform,
    arch,
    downloadOptions: { quiet: true, getProgressCallback: progress },
  });
  if (tty) process.stdout.write('\n');
} catch (error) {
  if (tty) process.stdout.write('\n');
  const cause = error?.cause?.code ?? error?.cause?.message;
  console.error(`${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`);
  process.exit(1);
}
// Unpacks the cached zip and writes path.txt (no second download).
const unpacked = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
  stdio: ['ignore', 'inherit', 'pipe'],
});
if (unpacked.status !== 0) {
  const lines = String(unpacked.stderr)
    .split('\n')
    .filter((line) => line.trim() !== '');
  console.error(lines.find((line) => /Error/.test(line)) ?? lines[0] ?? `install.js ended with ${unpacked.status}`);
  process.exit(1);
}
console.log(`  Electron ${version} is ready.`);
