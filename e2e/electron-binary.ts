/** The Electron binary for the Electron e2e spec, found as `npm start` finds it. */
import { fileURLToPath } from 'node:url';
import { findElectron } from '../scripts/electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Electron binary's path, or the reason it cannot be used. */
export function electronBinary(): { path: string } | { reason: string } {
  return findElectron(root);
}
