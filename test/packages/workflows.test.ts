/**
 * The GitHub Actions workflows, checked as far as this machine allows: each passes
 * action-validator (@action-validator/core: the schemastore schema of workflows, plus its own
 * checks of expressions and job references), and says what the release pipeline must do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const read = (name: string): string => readFileSync(join(root, '.github/workflows', name), 'utf8');

describe('.github/workflows', () => {
  it.each(['ci.yml', 'release.yml'])('%s passes action-validator', (name) => {
    expect(validateWorkflow(read(name)).errors).toEqual([]);
  });

  it('the validator refuses a misspelt key and a job that needs a job that does not exist', () => {
    const misspelt = read('ci.yml').replace('runs-on:', 'run-on:');
    expect(validateWorkflow(misspelt).errors).not.toEqual([]);
    const dangling = read('release.yml').replace('needs: installers', 'needs: installer');
    expect(validateWorkflow(dangling).errors).not.toEqual([]);
  });

  it('CI runs .ci/run (npm run verify) on every push', () => {
    const ci = read('ci.yml');
    expect(ci).toMatch(/on:\n {2}push:/);
    expect(ci).toMatch(/run: \.ci\/run$/m);
  });

  it('the release builds on Linux, Windows and macOS, signs when it can, tests under xvfb, and drafts a release', () => {
    const release = read('release.yml');
    expect(release).toMatch(/tags: \['v\*'\]/);
    for (const os of ['ubuntu-latest', 'windows-latest', 'macos-latest']) expect(release).toContain(`os: ${os}`);
    expect(release).toContain('npm run dist -- ${{ matrix.platform }} --no-build --publish never');
    for (const secret of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
      expect(release).toContain(`${secret}: \${{ secrets.${secret} }}`);
    }
    expect(release).toContain('xvfb-run --auto-servernum npx playwright test e2e/electron.spec.ts');
    expect(release).toContain('sha256sum');
    expect(release).toMatch(/gh release create[^\n]*\n[^\n]*--draft/);
  });
});
