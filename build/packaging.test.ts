// Installer configuration, checked as far as this machine allows: electron-builder's own schema
// validation, then a real `npm run dist -- --linux dir` (electron-builder with a stand-in Electron
// binary, since the real one cannot be downloaded here) whose app.asar is opened with @electron/asar.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractAll, listPackage } from '@electron/asar';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { convertIcon, type IconFormat } from 'app-builder-lib/out/util/iconConverter';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeModuleReasons, productionClosure, readManifest, type ResolvedPackage } from './production-deps';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  version: string;
  description?: string;
  homepage?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** Sorted unique `name@version` ids of resolved packages. */
const versions = (deps: ResolvedPackage[]) => [...new Set(deps.map((dep) => `${dep.name}@${dep.version}`))].sort();

const validate = (config: Configuration) => validateConfiguration(config, new DebugLogger(false));

describe('electron-builder.yml', () => {
  let config: Configuration;
  beforeAll(async () => {
    config = await getConfig(root, null, null);
  });

  it('validates against electron-builder’s own schema', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('fails validation when an option is misspelt or has the wrong type', async () => {
    const misspelt = { ...config, nsis: { ...config.nsis, perMachin: false } as never };
    await expect(validate(misspelt)).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...config, asar: 'yes' as never })).rejects.toThrow(/configuration\.asar/);
  });

  it('names the app, its output folders and ships only the built output', () => {
    expect(config).toMatchObject({
      appId: 'dev.relayhub.app',
      productName: 'Relay Hub',
      asar: true,
      directories: { buildResources: 'build', output: 'release' },
    });
    expect(config.artifactName).toBe('${productName}-${version}-${arch}.${ext}');
    // getConfig normalises `files` into one FileSet.
    expect(config.files).toEqual([{ filter: ['package.json', 'dist/**/*', '!**/*.map', '!**/*.d.ts'] }]);
  });

  it('targets AppImage + deb, a per-user NSIS installer with a desktop shortcut, and dmg for x64 + arm64', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ perMachine: false, createDesktopShortcut: true, oneClick: false });
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
  });

  it('gives the deb the metadata it requires: maintainer, homepage, description', () => {
    expect(config.linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.description).toBeTruthy();
  });

  it('points at icons that exist at the sizes each platform needs', () => {
    expect(pngSize(join(root, 'build/icon.png'))).toEqual([512, 512]);
    expect(pngSize(join(root, 'build/icon-1024.png'))).toEqual([1024, 1024]);
    expect(pngSize(join(root, 'build/icons/tray.png'))).toEqual([16, 16]);
    expect(pngSize(join(root, 'build/icons/tray@2x.png'))).toEqual([32, 32]);
    expect(pngSize(join(root, 'build/icons/tray@1.5x.png'))).toEqual([24, 24]);
    expect(pngSize(join(root, 'build/icons/trayTemplate@2x.png'))).toEqual([32, 32]);
    const linuxIcons = readdirSync(join(root, String(config.linux?.icon)));
    expect(linuxIcons).toEqual(expect.arrayContaining(['16x16.png', '32x32.png', '256x256.png', '512x512.png']));
    for (const name of linuxIcons) {
      const size = Number(name.split('x')[0]);
      expect(pngSize(join(root, String(config.linux?.icon), name))).toEqual([size, size]);
    }
    const ico = readFileSync(join(root, String(config.win?.icon)));
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, 7]); // an icon with 7 sizes
    const icns = readFileSync(join(root, String(config.mac?.icon)));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });

  it('has icons that electron-builder’s own icon converter accepts for each platform', async () => {
    const convert = async (source: unknown, format: IconFormat) => {
      const outDir = mkdtempSync(join(tmpdir(), 'relay-hub-icon-'));
      try {
        const roots = [join(root, 'build'), root];
        return await convertIcon({ sources: [String(source)], fallbackSources: [], roots, format, outDir });
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    };
    const linux = await convert(config.linux?.icon, 'set');
    expect(linux).toMatchObject({ isFallback: false });
    expect(linux.icons.map((icon) => icon.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
    expect(await convert(config.win?.icon, 'ico')).toMatchObject({ isFallback: false, icons: [{ size: 256 }] });
    expect(await convert(config.mac?.icon, 'icns')).toMatchObject({ isFallback: false });
  });
});

/** A stand-in for the Electron binary: a script carrying Electron's fuse wire (all defaults). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
function fakeElectron(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  // Fuse wire v1, 8 fuses: RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, …
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# ${FUSE_SENTINEL}`),
    Buffer.from([1, 8]),
    Buffer.from('10110001\n'),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
  return dir;
}

describe('npm run dist -- --linux dir (stand-in Electron)', () => {
  const work = mkdtempSync(join(tmpdir(), 'relay-hub-pack-'));
  const out = join(work, 'release');
  const extracted = join(work, 'app');
  let files: string[] = [];
  let rendererError = '';

  beforeAll(() => {
    // Build what exists; a renderer that does not build yet is reported by its own test below.
    const core = ['--only', 'cli', '--only', 'main', '--only', 'preload'];
    const built = spawnSync(process.execPath, ['scripts/build.mjs', ...core], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
    for (const output of [pkg.main, 'dist/preload/index.cjs']) {
      if (!existsSync(join(root, output))) throw new Error(`${output} was not built: its source is missing`);
    }
    const renderer = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'renderer'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (renderer.status !== 0) rendererError = renderer.stderr;

    const electronDist = fakeElectron(join(work, 'electron'));
    const dist = spawnSync(
      process.execPath,
      ['scripts/dist.mjs', '--no-build', '--linux', 'dir', `-c.directories.output=${out}`],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_DIST: electronDist } },
    );
    if (dist.status !== 0) throw new Error(`npm run dist failed:\n${dist.stdout}\n${dist.stderr}`);
    const asar = join(out, 'linux-unpacked', 'resources', 'app.asar');
    files = listPackage(asar, { isPack: false }).map((file) => file.replace(/^[\\/]/, '').replaceAll('\\', '/'));
    extractAll(asar, extracted);
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs package.json, its main, the preload, the CLI and the tray icons', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        pkg.main,
        'dist/preload/index.cjs',
        'dist/cli/relay-hub.cjs',
        'dist/assets/tray.png',
        'dist/assets/tray@2x.png',
      ]),
    );
    expect(readManifest(extracted)).toMatchObject({ name: 'relay-hub', main: pkg.main, version: pkg.version });
  });

  it('packs the renderer’s index.html', () => {
    expect(rendererError, 'the renderer does not build yet').toBe('');
    expect(files).toContain('dist/renderer/index.html');
  });

  it('packs no sources, tests, source maps or build resources', () => {
    const own = files.filter((file) => file !== 'node_modules' && !file.startsWith('node_modules/'));
    const outsideDist = own.filter((file) => file !== 'package.json' && file !== 'dist' && !file.startsWith('dist/'));
    expect(outsideDist).toEqual([]);
    expect(own.filter((file) => /\.(map|tsx?|mts|cts)$|\.test\./.test(file))).toEqual([]);
    expect(own).toContain('dist/main');
  });

  it('packs exactly the production dependency tree: ws, pino and theirs, no devDependency', () => {
    // electron-builder may hoist differently from the dev tree, so compare name@version, not paths.
    const expected = versions(productionClosure(root));
    expect(expected).toEqual(expect.arrayContaining([`ws@${readManifest(join(root, 'node_modules/ws')).version}`]));
    expect(expected.some((id) => id.startsWith('pino@'))).toBe(true);
    const packed: ResolvedPackage[] = [];
    for (const file of files) {
      const dir = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(
        file,
      )?.[1];
      if (dir !== undefined) packed.push({ ...readManifest(join(extracted, dir)), path: dir } as ResolvedPackage);
    }
    expect(versions(packed)).toEqual(expected);
    const prodNames = new Set(packed.map((dep) => dep.name));
    const devOnly = Object.keys(pkg.devDependencies).filter(
      (name) => !productionClosure(root).some((d) => d.name === name),
    );
    expect(devOnly.filter((name) => prodNames.has(name))).toEqual([]);
  });

  it('resolves and loads ws and pino from inside the package', () => {
    expect(versions(productionClosure(extracted))).toEqual(versions(productionClosure(root)));
    const loaded = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "await import('ws'); const { pino } = await import('pino'); console.log(typeof pino);",
      ],
      { cwd: extracted, encoding: 'utf8' },
    );
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('function');
  });

  it('resolves every package the main and CLI bundles load from inside the package', () => {
    // esbuild leaves packages external, so a bundle importing a devDependency would crash packaged.
    for (const bundle of [pkg.main, 'dist/cli/relay-hub.cjs']) {
      const code = readFileSync(join(extracted, bundle), 'utf8');
      const loaded = [...code.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)].map(
        (m) => m[1] ?? '',
      );
      const packages = new Set(
        loaded
          .filter((id) => !isBuiltin(id) && id !== 'electron')
          .map((id) =>
            id
              .split('/')
              .slice(0, id.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      );
      expect(packages.size, `${bundle} loads no package`).toBeGreaterThan(0);
      const missing = [...packages].filter(
        (name) => !existsSync(join(extracted, 'node_modules', name, 'package.json')),
      );
      expect(missing, `${bundle} loads packages missing from app.asar`).toEqual([]);
    }
  });

  it('flips the hardening fuses in the packaged binary', () => {
    const binary = readFileSync(join(out, 'linux-unpacked', 'relay-hub'));
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    // RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, asar integrity on, asar only on.
    expect(binary.subarray(at + 2, at + 8).toString('ascii')).toBe('010011');
  });
});

describe('production dependencies', () => {
  it('contain no native module that would need a rebuild per platform', () => {
    const dirs = productionClosure(root).map((dep) => join(root, dep.path));
    expect(dirs.length).toBeGreaterThan(2);
    expect(nativeModuleReasons(dirs)).toEqual([]);
  });

  it('the native-module scan does flag binding.gyp, .node files and gypfile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-native-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'native', gypfile: true }));
      writeFileSync(join(dir, 'binding.gyp'), '{}');
      mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
      writeFileSync(join(dir, 'build', 'Release', 'addon.node'), '');
      expect(nativeModuleReasons([dir])).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run dist offline', () => {
  // With node_modules/electron/dist present (a normal dev machine) dist would package for real.
  it.skipIf(existsSync(join(root, 'node_modules', 'electron', 'dist')))(
    'fails fast with one line naming ELECTRON_DIST when no Electron is available',
    () => {
      const cache = mkdtempSync(join(tmpdir(), 'relay-hub-cache-'));
      const started = Date.now();
      const run = spawnSync(process.execPath, ['scripts/dist.mjs', '--linux'], {
        cwd: root,
        encoding: 'utf8',
        // Port 9 (discard) on loopback: refused at once, so the probe cannot reach a download host.
        env: {
          ...process.env,
          ELECTRON_DIST: '',
          RELAY_HUB_ELECTRON_DIST: '',
          ELECTRON_CACHE: cache,
          XDG_CACHE_HOME: cache,
          ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        },
      });
      rmSync(cache, { recursive: true, force: true });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/ELECTRON_DIST/);
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );
});
