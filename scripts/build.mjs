#!/usr/bin/env node
// Builds dist/: the headless CLI, the Electron main and preload bundles (esbuild), the renderer
// (Vite), the device SDK (`relay-hub/client`: ESM + CommonJS bundles and their types, also staged
// in client/dist/ as the `relay-hub-client` package), and the
// hub's phone page (`dist/device`, served at /device).
// `--only cli|main|preload|renderer|client|device` (repeatable) builds a subset.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { sdkSize, sdkSizeLine, stageSdkPackage } from './sdk-package.mjs';

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const wanted = new Set(values.only ?? ['cli', 'main', 'preload', 'renderer', 'client', 'device']);

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  packages: 'external', // production dependencies stay in node_modules (see package.json "dependencies")
  logLevel: 'warning',
  legalComments: 'none',
};

const jobs = [];
if (wanted.has('cli')) {
  jobs.push(
    build({
      ...node,
      entryPoints: ['electron/cli/bin.ts'],
      outfile: 'dist/cli/relay-hub.cjs',
      // A 1 MiB young generation: about a third less memory per connection at 10,000
      // connections, same throughput (README, Performance). `env -S` passes the flag on.
      banner: { js: '#!/usr/bin/env -S node --max-semi-space-size=1' },
    }),
  );
}
if (wanted.has('main') && existsSync('electron/main/index.ts')) {
  jobs.push(
    build({ ...node, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/index.cjs', external: ['electron'] }),
  );
}
if (wanted.has('preload') && existsSync('electron/preload/index.ts')) {
  // A sandboxed preload may require only `electron`: everything else is bundled in.
  jobs.push(
    build({
      ...node,
      packages: undefined,
      platform: 'browser',
      entryPoints: ['electron/preload/index.ts'],
      outfile: 'dist/preload/index.cjs',
      external: ['electron'],
    }),
  );
}
if (wanted.has('renderer') && existsSync('renderer/index.html')) {
  const { build: viteBuild } = await import('vite');
  await rm('dist/renderer', { recursive: true, force: true });
  jobs.push(viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' }));
}
if (wanted.has('client')) {
  // The device SDK: no dependency, no Node API (WebSocket and fetch are the platform's or injected).
  const sdk = { bundle: true, platform: 'neutral', target: 'es2022', logLevel: 'warning', legalComments: 'none' };
  jobs.push(
    build({ ...sdk, entryPoints: ['client/index.ts'], outfile: 'dist/client/index.mjs', format: 'esm' }),
    build({ ...sdk, entryPoints: ['client/index.ts'], outfile: 'dist/client/index.cjs', format: 'cjs' }),
    // discover(): Node only (multicast UDP), with bonjour-service from node_modules.
    ...['esm', 'cjs'].map((format) =>
      build({
        ...node,
        entryPoints: ['client/discover/index.ts'],
        outfile: `dist/client/discover.${format === 'esm' ? 'mjs' : 'cjs'}`,
        format,
      }),
    ),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const types = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.client-types.json'], { stdio: 'inherit' });
  if (types.status !== 0) throw new Error('the device SDK types did not build');
}
if (wanted.has('device')) {
  // The phone page: plain DOM on the device SDK, one module, its page and its styles.
  await mkdir('dist/device', { recursive: true });
  jobs.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      entryPoints: ['phone/main.ts'],
      outfile: 'dist/device/device.js',
      logLevel: 'warning',
      legalComments: 'none',
      minify: true,
    }),
    copyFile('phone/index.html', 'dist/device/index.html'),
    copyFile('phone/device.css', 'dist/device/device.css'),
  );
}
if (wanted.has('main')) {
  // The shell's tray icons (drawn by build/icons.mjs) ship as dist/assets/tray*.png.
  await mkdir('dist/assets', { recursive: true });
  const trays = (await readdir('build/icons')).filter((name) => /^tray.*\.png$/.test(name));
  jobs.push(...trays.map((name) => copyFile(`build/icons/${name}`, `dist/assets/${name}`)));
}
await Promise.all(jobs);
if (wanted.has('client')) {
  // The same build, staged as the `relay-hub-client` package (client/package.json), and its size.
  await stageSdkPackage(process.cwd());
  console.log(sdkSizeLine(await sdkSize(process.cwd())));
}
console.log(`built: ${[...wanted].join(', ')}`);
