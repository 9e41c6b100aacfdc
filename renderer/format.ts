/** Display helpers. Pure, so they are easy to test and cheap to call per row. */

/** First 8 characters of a registration id, enough to tell devices apart (the full id goes in a tooltip). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** `1 client`, `2 clients`. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** Compact byte count: `0 B`, `12.3 kB`, `4.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Time of day for today's timestamps, date and time for older ones. */
export function formatTime(epochMs: number | null, now: number = Date.now()): string {
  if (epochMs === null) return '—';
  const date = new Date(epochMs);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return new Date(now).toDateString() === date.toDateString()
    ? time
    : `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** Integer with thousands separators. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The curl command that registers a device for user 1 on this hub. */
export function registerCommand(baseUrl: string): string {
  return `curl -X POST ${baseUrl}/register -H 'content-type: application/json' -d '{"user_id": 1}'`;
}
