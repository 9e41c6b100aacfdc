/**
 * Structured logs (pino) on stderr, so stdout keeps the CLI's human-readable startup lines:
 * one JSON object per line, or, when stderr is a terminal, one readable line per entry
 * (`14:03:09.123 INFO  connected client=5b0c… user=7`). Per-device lines carry `client` plus
 * `conn` (a connection) or `req` (an HTTP request). Nothing is logged per publish or delivery.
 */
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../../../shared/options';

export type { Logger } from 'pino';
export { isLogLevel, type LogLevel } from '../../../shared/options';

/** How log lines are written: JSON for machines, or readable lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * A logger at `level`, writing synchronously to `fd` (stderr by default), as JSON lines unless
 * `format` (default: pretty when `fd` is a terminal) says otherwise.
 */
export function createLogger(level: LogLevel, fd = 2, format: LogFormat = isatty(fd) ? 'pretty' : 'json'): Logger {
  if (level === 'silent') return pino({ level: 'silent' });
  const options = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'json') return pino(options, pino.destination({ dest: fd, sync: true }));
  const colors = isatty(fd) && (process.env.NO_COLOR ?? '') === '';
  return pino(options, { write: (line: string) => void writeSync(fd, `${prettyLine(line, colors)}\n`) });
}

const levels: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '36' },
  30: { name: 'INFO ', color: '32' },
  40: { name: 'WARN ', color: '33' },
  50: { name: 'ERROR', color: '31' },
  60: { name: 'FATAL', color: '35' },
};

/** Fields every line has, shown in their own places (or not at all, as `pid`). */
const placed = new Set(['level', 'time', 'pid', 'msg', 'hostname']);

/** One JSON log line as a person reads it: time, level, message, then the other fields as key=value. */
export function prettyLine(json: string, colors = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const paint = (code: string, text: string): string => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = levels[Number(entry.level)] ?? { name: String(entry.level).padEnd(5), color: '0' };
  const time = typeof entry.time === 'string' ? new Date(entry.time) : new Date();
  const clock = `${time.toTimeString().slice(0, 8)}.${String(time.getMilliseconds()).padStart(3, '0')}`;
  const fields = Object.entries(entry)
    .filter(([key, value]) => !placed.has(key) && value !== undefined)
    .map(([key, value]) => `${paint('2', `${key}=`)}${fieldText(value)}`);
  return [
    paint('2', clock),
    paint(level.color, level.name),
    typeof entry.msg === 'string' ? entry.msg : '',
    ...fields,
  ].join(' ');
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null && 'message' in value) return JSON.stringify(value.message);
  return JSON.stringify(value);
}
