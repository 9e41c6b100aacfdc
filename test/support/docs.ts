/**
 * The configuration table of docs/configuration.md, rendered from the options table (`shared/options.ts`) and the
 * CLI's own flags, formatted by Prettier as the page is: `test/docs.test.ts` compares it with
 *  docs/configuration.md, and `npm run docs` writes it there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { optionNames, optionRow } from '../../shared/options';
import { cliOnlyFlags, defaultText } from '../../electron/cli/args';

/** Markers around the generated table in docs/configuration.md. */
export const markers = {
  start: '<!-- options-table:start (generated from shared/options.ts by `npm run docs`; do not edit) -->',
  end: '<!-- options-table:end -->',
} as const;

const code = (text: string): string => `\`${text}\``;
const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The table as Markdown (before formatting). */
export function optionsMarkdown(): string {
  const rows = ['| flag | env | default | meaning |', '| --- | --- | --- | --- |'];
  for (const name of optionNames) {
    const row = optionRow(name);
    if (row.flag === undefined || row.env === undefined) continue;
    const isSwitch = row.kind.type === 'flag';
    const fallback = isSwitch ? 'off' : row.kind.type === 'origins' ? 'any' : '—';
    const value = defaultText(row);
    const env = isSwitch ? `${row.env}=1` : row.env;
    rows.push(
      `| ${code(`--${row.flag}`)} | ${code(env)} | ${value === null ? fallback : code(value)} | ${cell(row.help)} |`,
    );
  }
  for (const flag of cliOnlyFlags) {
    const env = flag.switch ? `${flag.env}=1` : flag.env;
    rows.push(
      `| ${code(`--${flag.flag}`)} | ${code(env)} | ${flag.switch ? (flag.defaultOn === true ? 'on' : 'off') : '—'} | ${cell(flag.help)} |`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** The page with its generated table replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start === -1 || end < start) throw new Error(`the page has no ${markers.start} … ${markers.end} block`);
  return `${readme.slice(0, start + markers.start.length)}\n\n${table}\n${readme.slice(end)}`;
}

/** The page as it should read: its table regenerated and the whole file formatted by Prettier. */
export async function expectedReadme(path: string): Promise<string> {
  const config = (await resolveConfig(path)) ?? {};
  const readme = readFileSync(path, 'utf8');
  return format(withTable(readme, optionsMarkdown()), { ...config, filepath: path });
}

/** Rewrites the page's table (`npm run docs`). */
export async function writeReadme(path: string): Promise<void> {
  writeFileSync(path, await expectedReadme(path));
}
