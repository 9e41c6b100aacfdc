// The device SDK as its own npm package (client/package.json, `relay-hub-client`): the build of
// dist/client/ copied byte for byte into client/dist/ (git-ignored), so that the package, the
// root's `relay-hub/client` export and the hub's /sdk/relay-hub-client.mjs are one build. Also
// measures it: minified + gzipped, against its budget.
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The most the SDK may weigh, minified + gzipped (bytes). */
export const sdkBudgetBytes = 8 * 1024;

/**
 * Copies the built SDK (`built`, e.g. dist/client/) into a package folder's dist (`target`,
 * client/dist/), and beside it that folder's package.json, README and LICENSE when it is not client/.
 */
export async function stageSdkPackage(built, target) {
  await rm(target, { recursive: true, force: true });
  await cp(built, target, { recursive: true });
  const folder = dirname(resolve(target));
  if (folder !== resolve('client')) {
    for (const name of ['package.json', 'README.md', 'LICENSE']) await cp(join('client', name), join(folder, name));
  }
}

/** The SDK's main entry, bundled and minified as an app would ship it: its size raw, minified and gzipped. */
export async function sdkSize(root) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['client/index.ts'],
    bundle: true,
    platform: 'neutral',
    target: 'es2022',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const minified = result.outputFiles[0].contents;
  return { minified: minified.length, gzipped: gzipSync(minified, { level: 9 }).length };
}

/** One line for the build's output. */
export function sdkSizeLine({ minified, gzipped }) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const verdict = gzipped <= sdkBudgetBytes ? 'within' : 'OVER';
  return `device SDK (relay-hub-client): ${kib(minified)} minified, ${kib(gzipped)} minified + gzipped (${verdict} the ${kib(sdkBudgetBytes)} budget)`;
}
