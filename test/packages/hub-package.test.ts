/**
 * The headless hub as an npm package: the root package packed with `npm pack` holds what runs (the
 * built hub, the dashboard, the phone page, the device SDK, README, LICENSE) and nothing else; the
 * tarball installed offline into an empty project (its dependencies from npm's cache, no Electron)
 * starts with `npx relay-hub --dashboard`, prints the dashboard URL, and serves it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildInto,
  installOffline,
  pack,
  productionTarballs,
  readmeInstallCommand,
  startHubProcess,
  type HubProcess,
} from '../support/pack';

const root = process.cwd();
let packed: ReturnType<typeof pack>;
let project: string;
let hub: HubProcess | undefined;

/** What may never ship: tests, e2e specs, configs, sources of the shell (`.d.ts` types are fine). */
export function strays(files: string[]): string[] {
  return files.filter(
    (file) =>
      /(^|\/)(test|tests|e2e|__tests__|fixtures)\//.test(file) ||
      /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ||
      (/\.[cm]?tsx?$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) ||
      /(^|\/)(tsconfig[^/]*\.json|eslint\.config\.js|vite\.config\.[jt]s|playwright\.config\.ts|vitest\.config\.ts|electron-builder\.yml|\.ci\/.*)$/.test(
        file,
      ) ||
      /\.map$/.test(file),
  );
}

beforeAll(() => {
  // The package as npm pack sees it, built where no other test's build of dist/ can race it:
  // package.json, README and LICENSE, and what prepack builds (the same --only list).
  const stage = mkdtempSync(join(tmpdir(), 'relay-hub-stage-'));
  for (const name of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(root, name), join(stage, name));
  mkdirSync(join(stage, 'dist'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { prepack: string } };
  const only = [...manifest.scripts.prepack.matchAll(/--only (\w+)/g)].map(([, name]) => name ?? '');
  buildInto(join(stage, 'dist'), only);
  packed = pack(stage, ['--ignore-scripts']);
  console.log(
    `relay-hub tarball: ${packed.files.length} files, ${packed.size} bytes (${packed.unpackedSize} unpacked)`,
  );
  project = installOffline([packed.tarball, ...productionTarballs()]);
}, 120_000);
afterAll(async () => {
  await hub?.stop();
});

describe('the relay-hub package', () => {
  it('holds the built hub, the dashboard, the phone page, the SDK, README and LICENSE', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/cli/relay-hub.cjs',
        'dist/renderer/index.html',
        'dist/device/index.html',
        'dist/client/index.mjs',
        'dist/client/index.cjs',
        'dist/client/types/client/index.d.ts',
      ]),
    );
    // The dashboard's views are chunks of their own (one file each, and more as views come):
    // those are counted by kind, everything else by number, so a stray folder still shows.
    const assets = packed.files.filter((file) => file.startsWith('dist/renderer/assets/'));
    expect(assets.filter((file) => !/\.(js|css|svg)$/.test(file))).toEqual([]);
    expect(packed.files.length - assets.length).toBeLessThan(60);
  });

  it('ships no test, e2e spec, config, source map or TypeScript source', () => {
    expect(strays(packed.files)).toEqual([]);
  });

  it('the check finds a test file, a .ts source and a config when one slips in', () => {
    expect(
      strays(['dist/cli/relay-hub.cjs', 'test/x.ts', 'electron/main/index.ts', 'a.test.js', 'tsconfig.json', 'x.d.ts']),
    ).toEqual(['test/x.ts', 'electron/main/index.ts', 'a.test.js', 'tsconfig.json']);
  });

  it('needs no devDependency at runtime: every package the hub loads is in dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const bundle = readFileSync(join(project, 'node_modules/relay-hub/dist/cli/relay-hub.cjs'), 'utf8');
    const loaded = new Set(
      [...bundle.matchAll(/require\("([^"]+)"\)/g)]
        .map(([, name]) => name ?? '')
        .filter((name) => !name.startsWith('node:') && !name.startsWith('.'))
        .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : (name.split('/')[0] ?? name))),
    );
    const builtins = new Set(['crypto', 'fs', 'os', 'path', 'http', 'https', 'net', 'events', 'url', 'util', 'zlib']);
    const external = [...loaded].filter((name) => !builtins.has(name));
    expect(external.length).toBeGreaterThan(0);
    for (const name of external) expect(Object.keys(manifest.dependencies)).toContain(name);
    expect(external).not.toContain('electron');
  });

  it('starts with npx relay-hub from the installed tarball, prints the dashboard URL and serves it', async () => {
    // The README's `npx relay-hub`, offline, with the dashboard on, on loopback and a free port.
    const [npx, ...command] = readmeInstallCommand('npx ');
    expect([npx, ...command]).toEqual(['npx', 'relay-hub']);
    const args = ['--offline', ...command, '--host', '127.0.0.1', '--port', '0'];
    hub = await startHubProcess(npx ?? 'npx', args, project, {
      RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-npx-')),
    });
    const dashboard = /Dashboard: (http:\/\/\S+)/.exec(hub.stdout())?.[1];
    expect(dashboard).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${hub.port}/dashboard/#token=`));
    expect(hub.stdout()).not.toContain('dashboard files not found');
    const page = await fetch(dashboard ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"');
    const sdk = await fetch(`http://127.0.0.1:${hub.port}/sdk/relay-hub-client.mjs`);
    expect(sdk.status).toBe(200);
    const registered = await fetch(`http://127.0.0.1:${hub.port}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 1 }),
    });
    expect(registered.status).toBe(200);
    expect(readFileSync(join(project, 'node_modules/relay-hub/package.json'), 'utf8')).toContain('"relay-hub"');
    expect(() => readFileSync(join(project, 'node_modules/electron/package.json'))).toThrow();
    // Stopped, nothing it started runs on: npx runs the hub as a grandchild of its own.
    await hub.stop();
    const running = (): string[] =>
      readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .flatMap((pid) => {
          try {
            return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')];
          } catch {
            return []; // gone meanwhile
          }
        })
        .filter((cmdline) => cmdline.includes(project));
    await expect.poll(running, { timeout: 5_000 }).toEqual([]);
  }, 90_000);
});
