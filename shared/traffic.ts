/**
 * What flows through the hub as the operator GUI sees it: published messages for the inspector,
 * rate series for the charts, live client counters and disconnect records. Pure types + parsers.
 */
import type { DisconnectReason } from './api';
import type { ClientInfo, PublishOrigin } from './hub';
import { isRecord, type Parsed } from './parse';

/**
 * A message body as the GUI receives it: text, or a binary message's bytes in base64 (readers
 * switch on the member they find).
 */
export type MessageBody = { text: string } | { base64: string };

/** One published message as the inspector shows it. Times are epoch milliseconds. */
export interface MessageRecord {
  /** Increases by one per message the hub saw while this inspector watched: a gap means messages were skipped. */
  seq: number;
  at: number;
  topic: string;
  /** The user the message was addressed to, or null for every subscriber. */
  userId: number | null;
  origin: PublishOrigin;
  /** Size of the message in bytes (UTF-8), whole even when the body is truncated. */
  bytes: number;
  /** The receipt: live connections it was written to. */
  delivered: number;
  body: MessageBody;
  /** The body holds only the first `maxInspectedBodyChars` characters (or bytes, for a binary message). */
  truncated: boolean;
}

/** Longest body the GUI receives per message (characters); longer ones are cut and marked. */
export const maxInspectedBodyChars = 16_384;

/** Which messages an inspector wants: every field optional, all given ones must match. */
export interface MessageFilter {
  /** Topic prefix (`kitchen/` matches `kitchen/light`), case-sensitive as topics are. */
  topic?: string;
  /** Only messages addressed to this user. */
  userId?: number;
  /** Text the body must contain (case-insensitive). */
  text?: string;
}

/** Messages for an open inspector, sent with a hub update. */
export interface MessageBatch {
  records: MessageRecord[];
  /** Matching messages per second at the hub, shown or not (measured over the last second or more). */
  matchedPerSecond: number;
  /** Of those, sent to this GUI per second: below `matchedPerSecond` while sampling. */
  shownPerSecond: number;
  /** Matching messages since the previous batch that were not sent (over the GUI's budget). */
  skipped: number;
}

/** True when a message passes `filter`: the hub's rule, which the GUI also applies to what it already holds. */
export function matchesMessageFilter(
  filter: MessageFilter,
  topic: string,
  userId: number | null,
  text: string | null,
): boolean {
  if (filter.topic !== undefined && !topic.startsWith(filter.topic)) return false;
  if (filter.userId !== undefined && userId !== filter.userId) return false;
  // A binary message (no text) never contains the text asked for.
  if (filter.text !== undefined && (text === null || !text.toLowerCase().includes(filter.text.toLowerCase()))) {
    return false;
  }
  return true;
}

/** The text of a body, or null for a binary message. */
export function bodyText(body: MessageBody): string | null {
  return 'text' in body ? body.text : null;
}

/** The body as exported and copied: the text, or the bytes in base64. */
export function bodyValue(body: MessageBody): string {
  return 'text' in body ? body.text : body.base64;
}

/** Characters a body holds (what the GUI's buffer budget counts). */
export function bodyChars(body: MessageBody): number {
  return 'text' in body ? body.text.length : body.base64.length;
}

/** One point of the charts: rates over the `stepMs` before `at`, and gauges at `at`. */
export interface SeriesSample {
  at: number;
  publishes: number;
  deliveries: number;
  connections: number;
  /** Slow-consumer events per second: messages dropped plus connections closed for not reading. */
  slowConsumer: number;
  /** Publishes per second of the busiest topics in this step (at most `seriesTopicsPerSample`), busiest first. */
  topics: [topic: string, perSecond: number][];
}

/** Topics kept per sample for the per-topic chart. */
export const seriesTopicsPerSample = 8;

/** A ring of samples at one resolution. */
export interface SeriesRing {
  stepMs: number;
  /** Most samples kept (the ring's span is `stepMs * capacity`). */
  capacity: number;
  samples: SeriesSample[];
}

/** The hub's chart history: 15 minutes at 1 s, 1 hour at 10 s. */
export interface HubSeries {
  fine: SeriesRing;
  coarse: SeriesRing;
}

/** Samples made since the previous update. */
export interface SeriesDelta {
  fine: SeriesSample[];
  coarse: SeriesSample[];
}

/** A client's live counters as updates carry them: `[id, messagesSent, bytesSent, bufferedBytes, dropped]`. */
export type ClientCounters = [
  id: string,
  messagesSent: number,
  bytesSent: number,
  bufferedBytes: number,
  dropped: number,
];

/** One ended connection of a registration. */
export interface DisconnectRecord {
  at: number;
  reason: DisconnectReason;
  code: number;
}

/** Disconnects kept per registration (newest first). */
export const disconnectsKept = 10;

/** What the client detail panel shows beyond the clients table. */
export interface ClientDetail {
  client: ClientInfo;
  /** The registration's last disconnects, newest first (at most `disconnectsKept`). */
  disconnects: DisconnectRecord[];
}

const invalid = (message: string): { ok: false; code: 'invalid_body'; message: string } => ({
  ok: false,
  code: 'invalid_body',
  message,
});

/** `watchMessages` argument: a filter to start (or change) watching, or null to stop. */
export function parseMessageWatch(value: unknown): Parsed<MessageFilter | null> {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (!isRecord(value)) return invalid('expected {"topic"?, "userId"?, "text"?} or null');
  const extra = Object.keys(value).find((key) => !['topic', 'userId', 'text'].includes(key));
  if (extra !== undefined) return invalid(`unknown field ${JSON.stringify(extra)}`);
  const filter: MessageFilter = {};
  for (const key of ['topic', 'text'] as const) {
    const field = value[key];
    if (field === undefined || field === '') continue;
    if (typeof field !== 'string' || field.length > 1024)
      return invalid(`${key} must be a string of at most 1024 characters`);
    filter[key] = field;
  }
  if (value.userId !== undefined && value.userId !== null) {
    const id = value.userId;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      return invalid('userId must be a non-negative integer');
    filter.userId = id;
  }
  return { ok: true, value: filter };
}
