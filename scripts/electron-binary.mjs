// Finds the Electron binary the way `require('electron')` would, without requiring it (in
// electron 45 that tries to download the binary). Used by `npm start` and the Electron e2e spec.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Electron binary's path, or the reason it cannot be used.
 * @param {string} root the project folder (where package.json is)
 * @returns {{ path: string } | { reason: string }}
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
    return { reason: 'its binary was never downloaded: no node_modules/electron/path.txt' };
  }
  const path = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `no Electron binary at ${path}` };
}
