/**
 * Export formats: NDJSON (one JSON object per line) and CSV (RFC 4180: a header row, CRLF line
 * ends, fields quoted when they hold a comma, a quote or a line break). A source says how one
 * row becomes a record; the live log and the message inspector are sources today, a topic's
 * history can be one more.
 */
import type { LogEntry } from '../../shared/ipc';
import { bodyValue, type MessageRecord } from '../../shared/traffic';

export type ExportFormat = 'ndjson' | 'csv';

/** A field's value in an exported record. */
export type ExportValue = string | number | boolean | null;

/** Something that can be exported: its file name stem, its columns, and one row as a record. */
export interface ExportSource<T> {
  /** File name stem, e.g. `messages` → `relay-hub-messages-<time>.csv`. */
  name: string;
  columns: readonly string[];
  record(row: T): Record<string, ExportValue>;
}

/** Messages as the inspector holds them; `body` is the text shown (cut when `truncated`). */
export const messageSource: ExportSource<MessageRecord> = {
  name: 'messages',
  columns: ['time', 'seq', 'topic', 'user', 'origin', 'bytes', 'delivered', 'truncated', 'encoding', 'body'],
  record: (m) => ({
    time: new Date(m.at).toISOString(),
    seq: m.seq,
    topic: m.topic,
    user: m.userId,
    origin: m.origin,
    bytes: m.bytes,
    delivered: m.delivered,
    truncated: m.truncated,
    // A binary message's bytes travel as base64, marked so a reader can tell.
    encoding: 'base64' in m.body ? 'base64' : 'text',
    body: bodyValue(m.body),
  }),
};

/** Lines of the live log. */
export const logSource: ExportSource<LogEntry> = {
  name: 'log',
  columns: ['time', 'seq', 'event', 'text'],
  record: (e) => ({ time: new Date(e.at).toISOString(), seq: e.seq, event: e.kind, text: e.text }),
};

/** One CSV field: quoted when it must be, with quotes doubled; null is empty. */
export function csvField(value: ExportValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The first text of a file: the CSV header row, nothing for NDJSON. */
export function exportHeader(source: ExportSource<never>, format: ExportFormat): string {
  return format === 'csv' ? `${source.columns.map(csvField).join(',')}\r\n` : '';
}

/** One row as a line of the format, line end included. */
export function exportLine<T>(source: ExportSource<T>, format: ExportFormat, row: T): string {
  const record = source.record(row);
  if (format === 'ndjson') return `${JSON.stringify(record)}\n`;
  return `${source.columns.map((column) => csvField(record[column] ?? null)).join(',')}\r\n`;
}

/** A file name for an export made now: `relay-hub-messages-2025-06-01T14-03-09.ndjson`. */
export function exportFileName(source: ExportSource<never>, format: ExportFormat, now: Date = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replaceAll(':', '-');
  return `relay-hub-${source.name}-${stamp}.${format}`;
}

/** MIME type of a format, for downloads. */
export const exportMime: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
};
