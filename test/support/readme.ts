/** Code blocks of the README and docs/, found by the HTML comment marker just above them, for tests that run them as written. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first fenced code block after `<!-- marker -->` in `file` (the README unless said). */
export function readmeBlock(marker: string, file = 'README.md'): string {
  const text = readFileSync(join(process.cwd(), file), 'utf8');
  const at = text.indexOf(`<!-- ${marker} -->`);
  if (at === -1) throw new Error(`${file} has no <!-- ${marker} --> block`);
  const match = /```[a-z]*\n([^]*?)```/.exec(text.slice(at));
  if (match?.[1] === undefined) throw new Error(`no code block after <!-- ${marker} --> in ${file}`);
  return match[1];
}

/** The address every example uses for the hub. */
export const readmeHub = 'http://192.168.1.20:8000';
