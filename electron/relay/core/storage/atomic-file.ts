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
  const writer = new AtomicFileWriter(path, options);
  writer.write(data);
  writer.commit();
}

let nextTemp = 0;

/**
 * The same, written in parts (a large file written in slices of a few ms): `write` as often as
 * needed, then `commit` (fsync, rename, folder fsync), or `abort` to leave the old file as it was.
 */
export class AtomicFileWriter {
  readonly #path: string;
  readonly #temp: string;
  readonly #sync: (fd: number) => void;
  #fd: number | null;

  constructor(path: string, options: AtomicWriteOptions = {}) {
    this.#path = path;
    this.#sync = options.sync ?? fsyncSync;
    this.#temp = join(dirname(path), `.${basename(path)}.${process.pid}.${nextTemp++}.tmp`);
    this.#fd = openSync(this.#temp, 'w', options.mode ?? 0o600);
  }

  /** Appends to the new content. */
  write(data: string | Buffer): void {
    const fd = this.#open();
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Puts the new content in place, durably. */
  commit(): void {
    const fd = this.#open();
    try {
      this.#sync(fd);
      closeSync(fd);
      this.#fd = null;
      renameSync(this.#temp, this.#path);
    } catch (error) {
      this.abort();
      throw error;
    }
    syncFolder(dirname(this.#path), this.#sync);
  }

  /** Drops the new content (the old file stays as it was). */
  abort(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    rmSync(this.#temp, { force: true });
  }

  #open(): number {
    if (this.#fd === null) throw new Error(`${this.#path}: this write was already committed or aborted`);
    return this.#fd;
  }
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
