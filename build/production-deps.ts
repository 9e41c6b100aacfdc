// Helpers for build/packaging.test.ts: the production dependency tree as Node would resolve it,
// and a scan for native modules (which would need an electron-rebuild per platform).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  gypfile?: boolean;
  scripts?: Record<string, string>;
}

/** Reads a package.json. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Finds `name` the way Node does: node_modules/name in `from` or any parent up to `root`. */
export function resolvePackageDir(name: string, from: string, root: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** A resolved production package: its directory relative to the root, e.g. `node_modules/ws`. */
export interface ResolvedPackage {
  name: string;
  version: string;
  path: string;
}

/**
 * Every package reachable from `root`'s package.json `dependencies` (and the optional ones that are
 * installed), resolved like Node does. Throws naming the first required dependency that is missing.
 */
export function productionClosure(root: string): ResolvedPackage[] {
  const found = new Map<string, ResolvedPackage>();
  const visit = (dir: string, isRoot: boolean): void => {
    const manifest = readManifest(dir);
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      const depDir = resolvePackageDir(name, dir, root);
      if (depDir === undefined) {
        if (required.includes(name)) {
          throw new Error(`${name} (needed by ${isRoot ? 'the app' : relative(root, dir)}) does not resolve`);
        }
        continue; // an optional dependency that is not installed (ws: bufferutil, utf-8-validate)
      }
      const path = relative(root, depDir);
      if (found.has(path)) continue;
      found.set(path, { name, version: readManifest(depDir).version ?? '', path });
      visit(depDir, false);
    }
  };
  visit(root, true);
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Why each package directory would need a native rebuild (binding.gyp, *.node, gypfile, node-gyp scripts). */
export function nativeModuleReasons(packageDirs: string[]): string[] {
  const reasons: string[] = [];
  for (const dir of packageDirs) {
    const manifest = readManifest(dir);
    if (manifest.gypfile === true) reasons.push(`${dir}: package.json has "gypfile": true`);
    for (const [script, command] of Object.entries(manifest.scripts ?? {})) {
      if (/^(pre|post)?install$/.test(script) && /node-gyp|prebuild|node-pre-gyp/.test(command)) {
        reasons.push(`${dir}: "${script}" runs ${command}`);
      }
    }
    const walk = (current: string): void => {
      for (const entry of readdirSync(current, { withFileTypes: true })) {
        const full = join(current, entry.name);
        // Nested node_modules are packages of their own: the caller lists them separately.
        if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
        else if (entry.isFile() && (entry.name === 'binding.gyp' || entry.name.endsWith('.node'))) {
          reasons.push(`${dir}: contains ${relative(dir, full)}`);
        }
      }
    };
    walk(dir);
  }
  return reasons;
}
