// The renderer's first script: what a page opening the GUI must fetch and evaluate before anything
// shows (the entry module of dist/renderer/index.html and every module it imports statically),
// against its budget. Evaluating it is one main-thread task, so everything not on screen when the
// page opens belongs in a lazy chunk (renderer/components/parts.ts); see docs/gui.md.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The most the first script may weigh, minified, all its static imports included (bytes). */
export const rendererBudgetBytes = 272 * 1024;

/** `import … from "./x.js"` and `import "./x.js"` (not `import("./x.js")`, which loads later). */
const staticImport = /\bimport\s*(?:[\w$\s{},*]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

/**
 * The first script of the built renderer in `dir` (dist/renderer): its files (relative to `dir`),
 * their bytes and their bytes gzipped.
 */
export async function rendererFirstScript(dir) {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const entry = /<script\b[^>]*\btype="module"[^>]*\bsrc="\.?\/?([^"]+)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error(`${dir}/index.html has no module script`);
  const files = [];
  const pending = [posix.normalize(entry)];
  const contents = [];
  while (pending.length > 0) {
    const file = pending.shift();
    if (files.includes(file)) continue;
    files.push(file);
    const code = await readFile(join(dir, file));
    contents.push(code);
    for (const [, path] of code.toString('utf8').matchAll(staticImport)) {
      pending.push(posix.join(posix.dirname(file), path));
    }
  }
  const all = Buffer.concat(contents);
  return { files, bytes: all.length, gzipped: gzipSync(all, { level: 9 }).length };
}

/** One line for the build's output. */
export function rendererSizeLine({ files, bytes, gzipped }) {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const verdict = bytes <= rendererBudgetBytes ? 'within' : 'OVER';
  return `renderer first script: ${kib(bytes)} in ${files.length} files, ${kib(gzipped)} gzipped (${verdict} the ${kib(rendererBudgetBytes)} budget)`;
}
