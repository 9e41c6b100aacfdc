/**
 * The project's import graph, type-only imports included, read with TypeScript's own scanner
 * (`ts.preProcessFile`): used by the architecture test to refuse any cycle, which ESLint's
 * `import-x/no-cycle` cannot see when the arrows are `import type`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** File (relative to the root, `/`-separated) → the project files it imports. */
export type ImportGraph = Map<string, string[]>;

const sourceExtensions = ['.ts', '.tsx', '.mts'];

function listSources(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listSources(path, out);
    else if (sourceExtensions.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts')) out.push(path);
  }
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null; // packages and node: builtins are not ours
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...sourceExtensions.map((ext) => base + ext),
    ...sourceExtensions.map((ext) => join(base, `index${ext}`)),
  ];
  // `./x.mjs` written for a `.mts`/`.d.mts` pair resolves to the source beside it.
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

/** Reads every TypeScript source under `dirs` (relative to `root`) and the project files each imports. */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files: string[] = [];
  for (const dir of dirs) if (existsSync(join(root, dir))) listSources(join(root, dir), files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => resolveImport(file, ref.fileName))
      .filter((path): path is string => path !== null)
      .map((path) => relative(root, path).split('\\').join('/'));
    graph.set(relative(root, file).split('\\').join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle in the graph, each as the files around it (first file repeated at the end); [] when none. */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const seen = state.get(next);
      if (seen === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
