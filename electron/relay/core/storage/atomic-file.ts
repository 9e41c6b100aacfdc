/**
 * How every file the hub owns is replaced (device keys, the registration snapshot, the token
 * file, a cluster hub's generation, the desktop settings): the new content goes to a temporary
 * file beside it, is flushed to the disk, renamed over the old file, and the folder is flushed so
 * the rename itself survives a power cut. A reader sees the old file or the new one, never a
 * mixture, and after a crash the new one is there once this returned.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** How `writeFileAtomic` writes. */
export interface AtomicWriteOptions {
  /** The new file's mode (default 0o600: its owner only). */
  mode?: number;
  /** Flushes a file or folder to the disk: `fs.fsyncSync` (a test or a counter passes its own). */
  sync?: (fd: number) => void;
}

/**
 * Replaces `path` with `data` atomically and durably (temp file, fsync, rename, folder fsync).
 * Throws, leaving the old file as it was, when the folder is not writable or the disk refuses.
 */
export function writeFileAtomic(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): void {
  const sync = options.sync ?? fsyncSync;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', options.mode ?? 0o600);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
      sync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dirname(path), sync);
}

/** Makes a rename in `dir` durable. Windows cannot open or fsync a folder; its rename is durable enough there. */
export function syncFolder(dir: string, sync: (fd: number) => void = fsyncSync): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    sync(fd);
  } catch {
    // as above
  } finally {
    closeSync(fd);
  }
}
