#!/usr/bin/env node
// Builds dist/: the headless CLI, the Electron main and preload bundles (esbuild), the renderer
// (Vite), the device SDK (`relay-hub/client`: ESM + CommonJS bundles and their types, also staged
// in client/dist/ as the `relay-hub-client` package), and the
// hub's phone page (`dist/device`, served at /device).
// `--only cli|main|preload|renderer|client|device` (repeatable) builds a subset; `--out <dir>` builds
// into another folder than dist/ (the package tests build there, beside a run of npm run dist).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rendererFirstScript, rendererSizeLine } from './renderer-size.mjs';
import { sdkSize, sdkSizeLine, stageSdkPackage } from './sdk-package.mjs';

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true }, out: { type: 'string' } } });
const out = resolve(values.out ?? 'dist');
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
      outfile: `${out}/cli/relay-hub.cjs`,
      // A 4 MiB young generation (Node's default is 16): about a third less memory per connection
      // at 10,000 connections than the default, and, against 1 MiB, a quarter less CPU per targeted
      // publish with no more memory (docs/performance.md). `env -S` passes the flag on.
      banner: { js: '#!/usr/bin/env -S node --max-semi-space-size=4' },
    }),
  );
}
if (wanted.has('main') && existsSync('electron/main/index.ts')) {
  jobs.push(
    build({
      ...node,
      entryPoints: ['electron/main/index.ts'],
      outfile: `${out}/main/index.cjs`,
      external: ['electron'],
    }),
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
      outfile: `${out}/preload/index.cjs`,
      external: ['electron'],
    }),
  );
}
if (wanted.has('renderer') && existsSync('renderer/index.html')) {
  const { build: viteBuild } = await import('vite');
  await rm(`${out}/renderer`, { recursive: true, force: true });
  jobs.push(
    viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn', build: { outDir: `${out}/renderer` } }),
  );
}
if (wanted.has('client')) {
  // The device SDK: no dependency, no Node API (WebSocket and fetch are the platform's or injected).
  const sdk = { bundle: true, platform: 'neutral', target: 'es2022', logLevel: 'warning', legalComments: 'none' };
  jobs.push(
    build({ ...sdk, entryPoints: ['client/index.ts'], outfile: `${out}/client/index.mjs`, format: 'esm' }),
    build({ ...sdk, entryPoints: ['client/index.ts'], outfile: `${out}/client/index.cjs`, format: 'cjs' }),
    // discover(): Node only (multicast UDP), with bonjour-service from node_modules.
    ...['esm', 'cjs'].map((format) =>
      build({
        ...node,
        entryPoints: ['client/discover/index.ts'],
        outfile: `${out}/client/discover.${format === 'esm' ? 'mjs' : 'cjs'}`,
        format,
      }),
    ),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const types = spawnSync(
    process.execPath,
    [tsc, '-p', 'client/tsconfig.types.json', '--outDir', `${out}/client/types`],
    {
      stdio: 'inherit',
    },
  );
  if (types.status !== 0) throw new Error('the device SDK types did not build');
}
if (wanted.has('device')) {
  // The phone page: plain DOM on the device SDK, one module, its page and its styles.
  await mkdir(`${out}/device`, { recursive: true });
  jobs.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      entryPoints: ['phone/main.ts'],
      outfile: `${out}/device/device.js`,
      logLevel: 'warning',
      legalComments: 'none',
      minify: true,
    }),
    copyFile('phone/index.html', `${out}/device/index.html`),
    copyFile('phone/device.css', `${out}/device/device.css`),
  );
}
if (wanted.has('main')) {
  // The shell's tray icons (drawn by build/icons.mjs) ship as dist/assets/tray*.png.
  await mkdir(`${out}/assets`, { recursive: true });
  const trays = (await readdir('build/icons')).filter((name) => /^tray.*\.png$/.test(name));
  jobs.push(...trays.map((name) => copyFile(`build/icons/${name}`, `${out}/assets/${name}`)));
}
await Promise.all(jobs);
if (wanted.has('renderer') && existsSync('renderer/index.html')) {
  // The script a page must evaluate before the GUI shows, against its budget (scripts/renderer-size.mjs).
  console.log(rendererSizeLine(await rendererFirstScript(`${out}/renderer`)));
}
if (wanted.has('client')) {
  // The same build, staged as the `relay-hub-client` package (client/package.json), and its size.
  await stageSdkPackage(`${out}/client`, values.out === undefined ? 'client/dist' : `${out}/relay-hub-client/dist`);
  console.log(sdkSizeLine(await sdkSize(process.cwd())));
}
console.log(`built: ${[...wanted].join(', ')}`);
