/**
 * Durations as people write them, pure and shared by the GUI's settings and the CLI's flags:
 * `30 s`, `15 min`, `7 d`, `1 h 30 min`, `1.5 h`, `250 ms`, or plain milliseconds (`30000`).
 */

const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** The longest duration accepted (about 285,000 years: a safe integer of milliseconds). */
export const maxDurationMs = Number.MAX_SAFE_INTEGER;

/**
 * Milliseconds for a duration (`30 s` → 30000; `1 h 30 min` → 5400000; `30000` → 30000), whole
 * (fractions of a millisecond rounded), or null when it is not one.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d{1,16}$/.test(trimmed)) return Number(trimmed);
  const part = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*/y;
  let total = 0;
  let at = 0;
  while (at < trimmed.length) {
    part.lastIndex = at;
    const match = part.exec(trimmed);
    const unit = match === null ? undefined : unitMs[match[2] ?? ''];
    if (match === null || unit === undefined) return null;
    total += Number(match[1]) * unit;
    at = part.lastIndex;
  }
  if (at === 0) return null;
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** A duration in its largest whole unit (`7 d`, `15 min`, `30 s`, `250 ms`; `0` for none): what `parseDuration` reads back. */
export function formatDurationExact(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}
