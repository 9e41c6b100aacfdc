/**
 * Writes the headless hub's `--token-file` when the token is rotated from the dashboard, so the
 * file and the hub never disagree (the next SIGHUP or restart reads the token in force).
 */
import { realpathSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../relay/index';

/**
 * Replaces the file's content with `token` and a newline, atomically: a temporary file beside it
 * (same mode as the old file, else 0600), flushed to disk, renamed over it, the folder flushed. A symlink is
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
  try {
    writeFileAtomic(target, `${token}\n`, { mode });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot write the token file ${path}: ${reason}`, { cause: error });
  }
}
