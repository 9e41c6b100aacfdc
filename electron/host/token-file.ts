/**
 * Writes the headless hub's `--token-file` when the token is rotated from the dashboard, so the
 * file and the hub never disagree (the next SIGHUP or restart reads the token in force).
 */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces the file's content with `token` and a newline, atomically: a temporary file beside it
 * (same mode as the old file, else 0600), flushed to disk, then renamed over it. A symlink is
 * followed, so the link stays. Throws (leaving the old file as it was) when the folder is not writable.
 */
export function saveTokenFile(path: string, token: string): void {
  let target = path;
  let mode = 0o600;
  try {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o777;
  } catch {
    // No such file yet: create it, readable by its owner only.
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', mode);
    try {
      writeSync(fd, `${token}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot write the token file ${path}: ${reason}`, { cause: error });
  }
}
