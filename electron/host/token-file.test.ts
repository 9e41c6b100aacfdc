import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveTokenFile } from './token-file';

const folder = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-token-file-'));

describe('saveTokenFile', () => {
  it('creates a missing file readable by its owner only', () => {
    const file = join(folder(), 'token');
    saveTokenFile(file, 'a-new-token-0123456789');
    expect(readFileSync(file, 'utf8')).toBe('a-new-token-0123456789\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces the content, keeps the mode, and leaves no temporary file', () => {
    const dir = folder();
    const file = join(dir, 'token');
    writeFileSync(file, 'old-token-0123456789\nsecond line\n', { mode: 0o640 });
    chmodSync(file, 0o640);
    saveTokenFile(file, 'new-token-0123456789');
    expect(readFileSync(file, 'utf8')).toBe('new-token-0123456789\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['token']);
  });

  it('writes through a symlink, which stays a symlink', () => {
    const dir = folder();
    mkdirSync(join(dir, 'secrets'));
    const real = join(dir, 'secrets', 'token');
    writeFileSync(real, 'old-token-0123456789\n');
    const link = join(dir, 'token');
    symlinkSync(real, link);
    saveTokenFile(link, 'new-token-0123456789');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new-token-0123456789\n');
  });

  it('fails with the path and errno, leaving nothing behind, when the file cannot be replaced', () => {
    const missing = join(folder(), 'no-such-folder', 'token');
    expect(() => saveTokenFile(missing, 'new-token-0123456789')).toThrow(
      `cannot write the token file ${missing}: ENOENT`,
    );
    // A folder where the file should be: the rename fails after the temporary file was written.
    const dir = folder();
    mkdirSync(join(dir, 'token'));
    expect(() => saveTokenFile(join(dir, 'token'), 'new-token-0123456789')).toThrow(/: EISDIR$/);
    expect(readdirSync(dir)).toEqual(['token']);
  });
});
