/**
 * Structured logs: one JSON object per line (pino) on stderr, so stdout keeps the CLI's
 * human-readable startup lines. Per-device lines carry `client` plus `conn` (a connection) or
 * `req` (an HTTP request). Nothing is logged per publish or per delivery.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The levels `--log-level` accepts, most verbose first. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A log level name. */
export type LogLevel = (typeof logLevels)[number];

/** True for a known level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (logLevels as readonly string[]).includes(value);
}

/** A JSON-lines logger at `level`, writing synchronously to `fd` (stderr by default). */
export function createLogger(level: LogLevel, fd = 2): Logger {
  if (level === 'silent') return pino({ level: 'silent' });
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: fd, sync: true }),
  );
}
