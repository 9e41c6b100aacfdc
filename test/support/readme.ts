/** Code blocks of the README, found by the HTML comment marker just above them, for tests that run them as written. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first fenced code block after `<!-- marker -->` in the README. */
export function readmeBlock(marker: string): string {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- ${marker} -->`);
  if (at === -1) throw new Error(`the README has no <!-- ${marker} --> block`);
  const match = /```[a-z]*\n([^]*?)```/.exec(readme.slice(at));
  if (match?.[1] === undefined) throw new Error(`no code block after <!-- ${marker} -->`);
  return match[1];
}

/** The address every README example uses for the hub. */
export const readmeHub = 'http://192.168.1.20:8000';
