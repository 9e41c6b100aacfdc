/**
 * Structured logs: one JSON object per line (pino) on stderr, so stdout keeps the CLI's
 * human-readable startup lines. Per-device lines carry `client` plus `conn` (a connection) or
 * `req` (an HTTP request). Nothing is logged per publish or per delivery.
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../../../shared/options';

export type { Logger } from 'pino';
export { isLogLevel, type LogLevel } from '../../../shared/options';

/** A JSON-lines logger at `level`, writing synchronously to `fd` (stderr by default). */
export function createLogger(level: LogLevel, fd = 2): Logger {
  if (level === 'silent') return pino({ level: 'silent' });
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: fd, sync: true }),
  );
}
