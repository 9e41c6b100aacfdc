/**
 * Exports in the desktop app: the native save dialog picks the file, then the renderer streams
 * the export in chunks (`exportWrite`) that are written in order, waiting for the disk when it
 * falls behind, so a 100,000-message export never holds the whole file in the main process.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import { parseExportBeginArg, parseExportEndArg, parseExportWriteArg } from '../../shared/command-args';
import type { CommandName, CommandResult } from '../../shared/ipc';

/** The export commands (`desktopCommandNames`). */
export type ExportCommand = 'exportBegin' | 'exportWrite' | 'exportEnd';

interface OpenFile {
  path: string;
  stream: WriteStream;
  bytes: number;
  /** The write in progress: chunks are written one after another. */
  queue: Promise<void>;
  failed: Error | null;
}

/** Open export files, by handle. */
export interface ExportFiles {
  run(name: ExportCommand, arg: unknown, window: BrowserWindow | null): Promise<CommandResult<CommandName>>;
  /** Closes and deletes every unfinished export (the app quits, the window reloads). */
  abortAll(): Promise<void>;
}

const failure = (code: 'invalid_body' | 'unavailable' | 'not_found', message: string): CommandResult<CommandName> => ({
  ok: false,
  error: { code, message },
});

/** Creates the export writer; `defaultDir` is where the save dialog opens (the Downloads folder). */
export function createExportFiles(defaultDir: () => string): ExportFiles {
  const open = new Map<string, OpenFile>();

  const begin = async (arg: unknown, window: BrowserWindow | null): Promise<CommandResult<CommandName>> => {
    const parsed = parseExportBeginArg(arg);
    if (!parsed.ok) return failure('invalid_body', parsed.message);
    const name = parsed.value.suggestedName;
    const csv = name.endsWith('.csv');
    const options = {
      title: 'Export',
      defaultPath: join(defaultDir(), name),
      filters: [csv ? { name: 'CSV', extensions: ['csv'] } : { name: 'NDJSON', extensions: ['ndjson', 'jsonl'] }],
    };
    const choice =
      window === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(window, options);
    if (choice.canceled || choice.filePath === undefined || choice.filePath === '') {
      return { ok: true, value: { handle: null, path: null } };
    }
    const handle = randomBytes(16).toString('hex');
    const file: OpenFile = {
      path: choice.filePath,
      stream: createWriteStream(choice.filePath),
      bytes: 0,
      queue: Promise.resolve(),
      failed: null,
    };
    file.stream.on('error', (error) => (file.failed = error));
    open.set(handle, file);
    return { ok: true, value: { handle, path: file.path } };
  };

  const write = async (arg: unknown): Promise<CommandResult<CommandName>> => {
    const parsed = parseExportWriteArg(arg);
    if (!parsed.ok) return failure('invalid_body', parsed.message);
    const file = open.get(parsed.value.handle);
    if (file === undefined) return failure('not_found', 'no export open with this handle');
    const chunk = Buffer.from(parsed.value.chunk, 'utf8');
    file.queue = file.queue.then(() => writeChunk(file, chunk));
    await file.queue;
    if (file.failed !== null) return failure('unavailable', `cannot write ${file.path}: ${file.failed.message}`);
    return { ok: true, value: { bytes: file.bytes } };
  };

  const end = async (arg: unknown): Promise<CommandResult<CommandName>> => {
    const parsed = parseExportEndArg(arg);
    if (!parsed.ok) return failure('invalid_body', parsed.message);
    const file = open.get(parsed.value.handle);
    if (file === undefined) return failure('not_found', 'no export open with this handle');
    open.delete(parsed.value.handle);
    await file.queue;
    await close(file);
    if (parsed.value.abort || file.failed !== null) await rm(file.path, { force: true });
    if (file.failed !== null) return failure('unavailable', `cannot write ${file.path}: ${file.failed.message}`);
    return { ok: true, value: { path: file.path, bytes: file.bytes } };
  };

  return {
    run(name, arg, window) {
      switch (name) {
        case 'exportBegin':
          return begin(arg, window);
        case 'exportWrite':
          return write(arg);
        case 'exportEnd':
          return end(arg);
      }
    },
    async abortAll() {
      const files = [...open.values()];
      open.clear();
      for (const file of files) {
        await file.queue;
        await close(file);
        await rm(file.path, { force: true });
      }
    },
  };
}

/** Writes one chunk, resolving once the stream takes more (backpressure) or fails. */
function writeChunk(file: OpenFile, chunk: Buffer): Promise<void> {
  if (file.failed !== null) return Promise.resolve();
  file.bytes += chunk.length;
  return new Promise((resolve) => {
    if (file.stream.write(chunk)) resolve();
    else {
      const done = (): void => {
        file.stream.off('drain', done);
        file.stream.off('error', done);
        resolve();
      };
      file.stream.on('drain', done);
      file.stream.on('error', done);
    }
  });
}

function close(file: OpenFile): Promise<void> {
  return new Promise((resolve) => {
    if (file.stream.closed) {
      resolve();
      return;
    }
    file.stream.once('close', () => resolve());
    file.stream.end();
  });
}
