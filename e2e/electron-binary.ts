/** Finds the Electron binary for the Electron e2e spec (without `require('electron')`'s download). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Electron binary, found as `require('electron')` would, without its download side effect. */
export function electronBinary(): { path: string } | { reason: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && relative === '') return { reason: 'the Electron binary was never downloaded (no path.txt)' };
  const path = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `no Electron binary at ${path}` };
}
