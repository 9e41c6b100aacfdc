/** Display helpers. Pure, so they are easy to test and cheap to call per row. */
import type { ClientInfo } from '../shared/hub';
import type { MessageBody } from '../shared/traffic';

/** First 8 characters of a registration id, enough to tell devices apart (the full id goes in a tooltip). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

// No Intl here: a page's first use of Intl (or of localeCompare) initialises ICU, 40-80 ms in
// one task on a 2-core machine, and these run in the page's first script and first render. The
// GUI speaks English: numbers as en-US (1,234), times on a 24-hour clock, dates as `Dec 7`.
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));
/** `14:03` in local time. */
export const clockMinutes = (epochMs: number): string => {
  const date = new Date(epochMs);
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
};
/** `14:03:09` in local time. */
export const clockSeconds = (epochMs: number): string =>
  `${clockMinutes(epochMs)}:${twoDigits(new Date(epochMs).getSeconds())}`;
/** `Dec 7` in local time. */
const day = (epochMs: number): string => {
  const date = new Date(epochMs);
  return `${months[date.getMonth()] ?? ''} ${date.getDate()}`;
};
const dayMs = 86_400_000;

const compactUnits: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
  [1, ''],
];
const tenths = (n: number): number => Math.round(n * 10) / 10;

// ASCII in the order of Unicode's root collation (what localeCompare uses): spaces, punctuation
// and symbols, digits, then letters with each lowercase letter before its capital.
const collationOrder = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';
const asciiRank = new Uint8Array(128);
for (let i = 0; i < collationOrder.length; i++) {
  const code = collationOrder.charCodeAt(i);
  asciiRank[code] = i + 1;
  if (code >= 97 && code <= 122) asciiRank[code - 32] = i + 1; // its capital: the same letter
}
const rank = (code: number): number => (code < 128 ? (asciiRank[code] ?? 0) : 128 + code);

/**
 * Names in a list (topics, client names, addresses) in localeCompare's order for ASCII names
 * (letters by letter, then lowercase first; punctuation before digits before letters), without
 * initialising ICU (see above). Other characters follow, by code point.
 */
export function compareText(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = rank(a.charCodeAt(i)) - rank(b.charCodeAt(i));
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // The same letters: the first difference of case decides, lowercase first.
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}

/** A chart's tick: `950`, `1.2K`, `12.5M` (en-US compact, one decimal at most). */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  let index = compactUnits.findIndex(([size]) => abs >= size);
  if (index === -1) index = compactUnits.length - 1;
  let [size, suffix] = compactUnits[index] ?? [1, ''];
  // Rounded at its own scale first: 999.94 stays 999.9, 999.96 becomes 1K.
  if (tenths(abs / size) >= 1000 && index > 0) [size, suffix] = compactUnits[index - 1] ?? [size, suffix];
  const text = `${tenths(abs / size)}${suffix}`;
  return value < 0 && text !== '0' ? `-${text}` : text;
}

/** `1 client`, `2 clients`. */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** A filtered list's size: `12 clients`, or `3 of 12 clients` while a filter hides some. */
export function shownOf(shown: number, total: number, noun: string): string {
  return shown === total ? plural(total, noun) : `${formatCount(shown)} of ${plural(total, noun)}`;
}

/** Compact byte count: `0 B`, `12.3 kB`, `4.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Time of day for timestamps within 24 hours of now, date and time for older (or later) ones. */
export function formatTime(epochMs: number | null, now: number = Date.now()): string {
  if (epochMs === null) return '—';
  const time = clockSeconds(epochMs);
  return Math.abs(now - epochMs) < dayMs ? time : `${day(epochMs)} ${time}`;
}

/**
 * A registration's state in a few words: `Connected`, `Never connected` (a socket never opened on
 * it), or `Idle since 14:03` (`Idle since Jun 3` after a day): what tells a stale one.
 */
export function formatSeen(
  client: Pick<ClientInfo, 'connected' | 'everConnected' | 'lastSeen'>,
  now: number = Date.now(),
): string {
  if (client.connected) return 'Connected';
  if (!client.everConnected) return 'Never connected';
  return `Idle since ${now - client.lastSeen < dayMs ? clockMinutes(client.lastSeen) : day(client.lastSeen)}`;
}

/** To the minute: `14:03` within 24 hours of now, `Nov 27 14:03` further away (a key's dates). */
export function formatMinute(epochMs: number, now: number = Date.now()): string {
  const time = clockMinutes(epochMs);
  return Math.abs(now - epochMs) < dayMs ? time : `${day(epochMs)} ${time}`;
}

/** Integer with thousands separators. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  // Rounded half away from zero, as Intl does; grouped by threes.
  const digits = String(Math.round(Math.abs(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 && digits !== '0' ? `-${grouped}` : grouped;
}

/** The curl command that registers a device for user 1 on this hub. */
export function registerCommand(baseUrl: string): string {
  return `curl -X POST ${baseUrl}/register -H 'content-type: application/json' -d '{"user_id": 1}'`;
}

/** A byte size in binary units, for settings: `1 MiB`, `64 KiB`, `1.5 KiB`, `300 B`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}

/** A duration in ms, for settings: `500 ms`, `30 s`, `5 min`, `2 h`, `7 days`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    [' days', 86_400_000],
    [' h', 3_600_000],
    [' min', 60_000],
    [' s', 1000],
  ] as const) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))}${unit === ' days' && ms < 2 * size ? ' day' : unit}`;
  }
  return `${ms} ms`;
}

/** A binary body's first bytes as hex pairs (`0a ff 00 …`). */
export function hexPreview(base64: string, max = 32): string {
  return hexBytes(bytesOf(base64, max)).join(' ');
}

/** How a body reads in one line: the text, or `binary 1.2 kB · 0a ff …` for bytes. */
export function bodySummary(body: MessageBody, bytes: number): string {
  if ('text' in body) return body.text;
  return `binary ${formatBytes(bytes)} · ${hexPreview(body.base64)}${bytes > 32 ? ' …' : ''}`;
}

/** Bytes shown by a hex dump before it stops (the rest is only counted). */
export const hexDumpMaxBytes = 4096;

/**
 * A binary body as a hex dump: `perLine` bytes a line (8 fit a side panel), the offset first and
 * the printable ASCII last (`0000  48 69 00 …  Hi.`); at most `max` bytes, then a line saying
 * how many more there are.
 */
export function hexDump(base64: string, max = hexDumpMaxBytes, perLine = 8): string {
  const bytes = bytesOf(base64, Number.POSITIVE_INFINITY);
  const lines: string[] = [];
  for (let at = 0; at < Math.min(bytes.length, max); at += perLine) {
    const row = bytes.subarray(at, Math.min(at + perLine, max));
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(
      `${at.toString(16).padStart(4, '0')}  ${hexBytes(row)
        .join(' ')
        .padEnd(perLine * 3 - 1)}  ${ascii}`,
    );
  }
  if (bytes.length > max) lines.push(`… ${formatCount(bytes.length - max)} more bytes`);
  return lines.length === 0 ? '(empty)' : lines.join('\n');
}

/** The first `max` bytes of base64 text (decoding only what is needed). */
function bytesOf(base64: string, max: number): Uint8Array {
  const binary = atob(Number.isFinite(max) ? base64.slice(0, Math.ceil(max / 3) * 4) : base64);
  return Uint8Array.from(binary.slice(0, max), (c) => c.charCodeAt(0));
}

const hexBytes = (bytes: Uint8Array): string[] => Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));

/** A message body for reading: JSON pretty-printed (two-space indent), anything else as it is. */
export function prettyBody(text: string): { text: string; json: boolean } {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return { text, json: false };
  try {
    return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

/** Who published a message, as the inspector says it. */
export const originLabel = { http: 'HTTP', device: 'Device', gui: 'GUI', cluster: 'Other hub', mqtt: 'MQTT' } as const;

/** A rate: `0/s`, `12/s`, `4,213/s`, `0.5/s`. */
export function formatRate(perSecond: number): string {
  return `${perSecond > 0 && perSecond < 10 ? Number(perSecond.toFixed(1)) : formatCount(perSecond)}/s`;
}
