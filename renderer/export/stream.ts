/**
 * Streams an export to a sink in time slices: rows become text for a few milliseconds at a time,
 * each slice goes to the sink, and the page gets the main thread back in between. 100,000 rows
 * take many short tasks instead of one long freeze.
 */
import type { CommandArg, CommandName, CommandResult } from '../../shared/ipc';
import { exportFileName, exportHeader, exportLine, exportMime, type ExportFormat, type ExportSource } from './formats';

/** Where an export goes: a file chosen in the desktop app, or a browser download. */
export interface ExportSink {
  /** Opens the destination; false when the operator cancelled (the save dialog). */
  begin(fileName: string): Promise<boolean>;
  write(chunk: string): Promise<void>;
  /** Finishes (or with `abort`, discards) the export; answers where it went. */
  end(abort: boolean): Promise<string>;
}

/** Options of {@link streamExport}. */
export interface StreamOptions {
  /** Longest slice of work between two yields, in ms (default 8). */
  sliceMs?: number;
  /** Most characters per chunk handed to the sink (default 1 Mi). */
  chunkChars?: number;
  /** Called after each chunk with the rows done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between slices: true stops and discards the export. */
  cancelled?: () => boolean;
}

/** The outcome of an export. */
export type ExportOutcome = { kind: 'done'; where: string; rows: number } | { kind: 'cancelled' };

const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Writes `rows` (in that order) to `sink` as `format`, yielding to the page between slices. */
export async function streamExport<T>(
  source: ExportSource<T>,
  format: ExportFormat,
  rows: readonly T[],
  sink: ExportSink,
  options: StreamOptions = {},
): Promise<ExportOutcome> {
  const sliceMs = options.sliceMs ?? 8;
  const chunkChars = options.chunkChars ?? 1024 * 1024;
  if (!(await sink.begin(exportFileName(source, format)))) return { kind: 'cancelled' };
  let ok = false;
  try {
    let index = 0;
    let parts: string[] = [exportHeader(source, format)];
    let chars = parts[0]?.length ?? 0;
    while (index < rows.length) {
      const sliceEnd = performance.now() + sliceMs;
      while (index < rows.length && chars < chunkChars && performance.now() < sliceEnd) {
        // A few rows between clock reads: reading the clock per row would cost more than the rows.
        const stop = Math.min(rows.length, index + 64);
        for (; index < stop; index++) {
          const line = exportLine(source, format, rows[index] as T);
          parts.push(line);
          chars += line.length;
        }
      }
      await sink.write(parts.join(''));
      parts = [];
      chars = 0;
      options.onProgress?.(index, rows.length);
      if (options.cancelled?.() === true) {
        ok = true;
        await sink.end(true);
        return { kind: 'cancelled' };
      }
      await yieldToPage();
    }
    if (parts.length > 0 && chars > 0) await sink.write(parts.join(''));
    ok = true;
    return { kind: 'done', where: await sink.end(false), rows: rows.length };
  } finally {
    if (!ok) await sink.end(true).catch(() => undefined);
  }
}

/** A browser download: the chunks become one Blob (the browser keeps it off the JS heap), then a link is clicked. */
export function downloadSink(format: ExportFormat, document: Document = window.document): ExportSink {
  let parts: BlobPart[] = [];
  let name = '';
  return {
    begin(fileName) {
      name = fileName;
      return Promise.resolve(true);
    },
    write(chunk) {
      parts.push(chunk);
      return Promise.resolve();
    },
    end(abort) {
      if (abort) {
        parts = [];
        return Promise.resolve('');
      }
      const url = URL.createObjectURL(new Blob(parts, { type: exportMime[format] }));
      parts = [];
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.className = 'visually-hidden';
      document.body.append(link);
      link.click();
      link.remove();
      // The download has taken the URL by the next turn; revoking later is harmless.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return Promise.resolve(name);
    },
  };
}

type Call = <K extends CommandName>(name: K, arg: CommandArg<K>) => Promise<CommandResult<K>>;

/** A file in the desktop app: the native save dialog, then chunks written by the main process. */
export function fileSink(call: Call): ExportSink {
  let handle: string | null = null;
  let path = '';
  return {
    async begin(fileName) {
      const result = await call('exportBegin', { suggestedName: fileName });
      if (!result.ok) throw new Error(result.error.message);
      handle = result.value.handle;
      path = result.value.path ?? '';
      return handle !== null;
    },
    async write(chunk) {
      if (handle === null) return;
      const result = await call('exportWrite', { handle, chunk });
      if (!result.ok) throw new Error(result.error.message);
    },
    async end(abort) {
      if (handle === null) return '';
      const current = handle;
      handle = null;
      const result = await call('exportEnd', { handle: current, abort });
      if (!result.ok) throw new Error(result.error.message);
      return abort ? '' : path;
    },
  };
}
