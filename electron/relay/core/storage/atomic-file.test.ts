import {
  existsSync,
  fstatSync,
  fsyncSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-atomic-'));

describe('writeFileAtomic', () => {
  it('flushes the new file before the rename, and the folder after it', () => {
    const dir = tempDir();
    const path = join(dir, 'keys.json');
    writeFileSync(path, 'old');
    const flushed: { folder: boolean; content: string }[] = [];
    writeFileAtomic(path, 'new', {
      sync: (fd) => {
        flushed.push({ folder: fstatSync(fd).isDirectory(), content: readFileSync(path, 'utf8') });
        fsyncSync(fd);
      },
    });
    // The temp file while the old one is still in place, then the folder once the new one is.
    expect(flushed).toEqual([
      { folder: false, content: 'old' },
      { folder: true, content: 'new' },
    ]);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']); // no temp file left
  });

  it('leaves the old file as it was and no temp file when the write fails', () => {
    const dir = tempDir();
    const path = join(dir, 'settings.json');
    writeFileSync(path, '{"port":8123}');
    expect(() =>
      writeFileAtomic(path, '{}', {
        sync: () => {
          throw new Error('disk full');
        },
      }),
    ).toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('{"port":8123}');
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(() => writeFileAtomic(join(dir, 'missing', 'x.json'), '{}')).toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('is how every file the hub owns is replaced: no other rename or whole-file write in the sources', () => {
    const root = join(__dirname, '..', '..', '..');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return sources(path);
        return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
      });
    // The exceptions, each for its reason: the lock file (not data: a crash leaves a dead pid in
    // it, which is ignored), and a damaged history segment or saved-payloads file moved aside
    // (kept for a person to read).
    const allowed: Record<string, RegExp> = {
      'relay/core/storage/atomic-file.ts': /renameSync/,
      'relay/core/storage/store.ts': /writeFileSync\(path, `\$\{process\.pid\}\\n`\)/,
      'relay/core/history/log-load.ts': /renameSync\(path, aside\)/,
      // A damaged saved-payloads file moved aside; `rename` there is the payload list's own method.
      'host/saved-payloads.ts':
        /renameSync\(path, aside\)|^\s*rename\((name: string, to: string\): void;|name, to\) \{)/,
      'host/commands/commands-payloads.ts': /host\.payloads\.rename\(/,
    };
    const found: string[] = [];
    for (const file of sources(root)) {
      const name = relative(root, file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!/\b(renameSync|writeFileSync|rename|writeFile)\(/.test(line)) return;
          if (allowed[name]?.test(line) === true) return;
          found.push(`${name}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
