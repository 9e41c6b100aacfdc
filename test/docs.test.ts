/**
 * The configuration page's table (docs/configuration.md) is the options table (`shared/options.ts`): this fails when
 * they disagree. `npm run docs` rewrites the table from the options.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionNames, optionRow } from '../shared/options';
import { helpText } from '../electron/cli/args';
import { expectedReadme, writeReadme } from './support/docs';

const readme = join(process.cwd(), 'docs/configuration.md');

describe('docs/configuration.md', () => {
  it('shows the configuration table generated from the options table', async () => {
    if (process.env.RELAY_HUB_WRITE_DOCS === '1') await writeReadme(readme);
    expect(readFileSync(readme, 'utf8')).toBe(await expectedReadme(readme));
  });

  it('--help lists every option that has a flag, with its environment variable', () => {
    const help = helpText();
    for (const name of optionNames) {
      const { flag, env } = optionRow(name);
      if (flag === undefined || env === undefined) continue;
      expect(help).toContain(`--${flag} `);
      expect(help).toContain(`env ${env}`);
    }
  });
});
