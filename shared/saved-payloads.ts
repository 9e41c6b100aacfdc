/**
 * The operator's saved payloads: publishes kept by name on the hub (`<data dir>/saved-payloads.json`),
 * shared by the desktop window and every dashboard, pushed to each with the hub's config. Pure
 * parsers of the commands that change them (`savePayload`, `deletePayload`, `renamePayload`) and
 * their bounds, shared by the hub (which refuses) and the GUI (which says why before sending).
 */
import { isRecord, parseTopic, type Parsed } from './parse';
import { maxUserId } from './limits';

/** A publish as the form had it, saved under a name (a file's bytes are never saved). */
export interface SavedPayload {
  /** 1 to `maxSavedPayloadName` characters, unique on the hub. */
  name: string;
  topic: string;
  /** The user id as typed: digits, or '' for every subscriber of the topic. */
  userId: string;
  /** The message as typed: text, or bytes written as hex or base64 (`mode`). */
  message: string;
  mode: 'text' | 'hex' | 'base64';
  retain: boolean;
}

/** Most saved payloads a hub keeps. */
export const maxSavedPayloads = 100;
/** Longest name, in characters. */
export const maxSavedPayloadName = 100;
/**
 * Most bytes (UTF-8) of every saved message together: they travel whole to each GUI at its start
 * and with every change, so they stay well under what a dashboard's socket may hold at once.
 */
export const maxSavedPayloadsBytes = 4 * 1024 * 1024;

/** The hub's limits a saved payload is checked against (its message limit and topic length). */
export interface SavedPayloadLimits {
  maxMessageBytes: number;
  maxTopicLength: number;
}

type Failure = Extract<Parsed<never>, { ok: false }>;
const invalid = (message: string): Failure => ({ ok: false, code: 'invalid_body', message });

const payloadKeys: readonly string[] = ['name', 'topic', 'userId', 'message', 'mode', 'retain'];

/** Size of a saved message as the hub counts it: its UTF-8 bytes as typed. */
export function savedMessageBytes(message: string): number {
  return new TextEncoder().encode(message).length;
}

/** A payload name: 1 to 100 characters, not blank, no control characters (kept as given, trimmed). */
export function parsePayloadName(value: unknown, field = 'name'): Parsed<string> {
  if (typeof value !== 'string') return invalid(`${field} must be a text of 1 to ${maxSavedPayloadName} characters`);
  const name = value.trim();
  if (name.length === 0 || name.length > maxSavedPayloadName) {
    return invalid(`${field} must be a text of 1 to ${maxSavedPayloadName} characters (not blank)`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return invalid(`${field} may not hold control characters`);
  return { ok: true, value: name };
}

/** `savePayload`: one payload, every field checked against the hub's limits. */
export function parseSavedPayload(value: unknown, limits: SavedPayloadLimits): Parsed<SavedPayload> {
  if (!isRecord(value)) {
    return invalid('expected {"name", "topic", "userId": "" or digits, "message", "mode", "retain"}');
  }
  const extra = Object.keys(value).find((key) => !payloadKeys.includes(key));
  if (extra !== undefined) return invalid(`unknown field ${JSON.stringify(extra)}`);
  const name = parsePayloadName(value.name);
  if (!name.ok) return name;
  const { userId, message, mode, retain } = value;
  const topic = parseTopic(value.topic, limits);
  if (!topic.ok) return topic;
  if (typeof userId !== 'string' || (userId !== '' && !(/^\d{1,16}$/.test(userId) && Number(userId) <= maxUserId))) {
    const problem = `userId must be "" (everyone subscribed) or an integer from 0 to ${maxUserId}, as text`;
    return { ok: false, code: 'invalid_user_id', message: problem };
  }
  if (typeof message !== 'string') return { ok: false, code: 'invalid_message', message: 'message must be a string' };
  if (mode !== 'text' && mode !== 'hex' && mode !== 'base64') return invalid('mode must be "text", "hex" or "base64"');
  if (typeof retain !== 'boolean') return invalid('retain must be true or false');
  const bytes = savedMessageBytes(message);
  if (bytes > limits.maxMessageBytes) {
    const problem = `the message is ${bytes} bytes; this hub's messages are at most ${limits.maxMessageBytes}`;
    return { ok: false, code: 'message_too_large', message: problem };
  }
  return { ok: true, value: { name: name.value, topic: topic.value, userId, message, mode, retain } };
}

/** `{name}` of `deletePayload`. */
export function parsePayloadNameArg(value: unknown): Parsed<{ name: string }> {
  if (!isRecord(value) || Object.keys(value).some((key) => key !== 'name')) return invalid('expected {"name": "…"}');
  const name = parsePayloadName(value.name);
  return name.ok ? { ok: true, value: { name: name.value } } : name;
}

/** `{name, to}` of `renamePayload`. */
export function parseRenamePayloadArg(value: unknown): Parsed<{ name: string; to: string }> {
  if (!isRecord(value) || Object.keys(value).some((key) => key !== 'name' && key !== 'to')) {
    return invalid('expected {"name": "…", "to": "…"}');
  }
  const name = parsePayloadName(value.name);
  if (!name.ok) return name;
  const to = parsePayloadName(value.to, 'to');
  return to.ok ? { ok: true, value: { name: name.value, to: to.value } } : to;
}
