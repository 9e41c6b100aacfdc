/**
 * The device protocol over the socket: the frames a device may send and the frames the hub sends
 * back, as types and pure parsers used by the hub, the device SDK (`relay-hub/client`) and the
 * tests alike. Tutorial devices see no change: deliveries are raw text frames unless a connection
 * opts in to envelopes (`?format=envelope` on the socket URL, or `"format": "envelope"` in a
 * topics frame), and everything else is new frames a tutorial device never sends.
 */
import type { ErrorCode, PublishRequest, StreamPosition } from './api';
import { defaultTopicLimits, type TopicLimits } from './limits';
import { isRecord, parseJson, parsePublishRequest, parseTopicList, type Parsed } from './parse';
import { filterProblem } from './topic-filter';

/** How a connection receives deliveries: the message text alone (the tutorial's), or a JSON envelope. */
export type DeliveryFormat = 'raw' | 'envelope';

/** The id a device gives a frame to get an answer carrying it: a string (≤ 128 characters) or a finite number. */
export type FrameId = string | number;

/** A device → hub frame. */
export type ClientFrame =
  /** `ping` as plain text: accepted silently (the tutorial's keep-alive). */
  | { kind: 'ping' }
  /**
   * `{"topics": [...], "format"?, "since"?}`: replaces the topic set (and switches the delivery
   * format); `since` asks, per topic, for what was published after that position (envelopes only).
   */
  | {
      kind: 'topics';
      topics: string[];
      format?: DeliveryFormat;
      since?: Record<string, StreamPosition>;
      /** `"presence": true`: join/leave events of the other clients of these topics (envelopes only). */
      presence?: boolean;
      /** MQTT filters (`sensors/+/temp`, `alerts/#`), envelope devices only: each delivery names its topic. */
      filters?: string[];
    }
  /** `{"publish": {...}, "id"?, "echo"?}`: delivers like `POST /publish`; with an id, acknowledged. */
  | { kind: 'publish'; publish: PublishRequest; id?: FrameId; echo: boolean }
  /** `{"ping": x}`: answered `{"pong": x}` (browsers cannot send protocol pings). */
  | { kind: 'app-ping'; value: unknown }
  /**
   * `{"will": {"topic", "message", "retain"?, "user_id"?}}` sets the device's last will (published
   * for it when its connection ends other than with a normal close 1000); `{"will": null}` clears it.
   */
  | { kind: 'will'; will: PublishRequest | null };

/** A refused frame: the error code and message, and the frame's id when it had a usable one. */
export type FrameFailure = { ok: false; code: ErrorCode; message: string; id?: FrameId };

/** The delivery of one message in envelope format. */
export interface Envelope {
  topic: string;
  message: string;
  /** Present when the publish was for one user only. */
  user_id?: number;
  /** When the hub accepted the publish (ms since the epoch). */
  ts: number;
  /** Its place in the topic's stream: what a device gives back in `since` to recover what it missed. */
  offset: number;
  epoch: string;
  /** The topic's retained message, sent because the device subscribed (not a new publish). */
  retained?: true;
}

/** Per topic of a topics frame with `since`: whether what was missed followed, and the position now. */
export interface RecoveryResult extends StreamPosition {
  recovered: boolean;
}

/** A hub → device frame other than a raw delivery. */
export type ServerFrame =
  | ({ kind: 'envelope' } & Envelope)
  | { kind: 'ack'; id: FrameId; delivered: number }
  | { kind: 'error'; code: string; message: string; id?: FrameId }
  | { kind: 'pong'; value: unknown }
  /** After the missed messages of a topics frame with `since`: per topic, recovered or not, and the position. */
  | { kind: 'recovery'; topics: Record<string, RecoveryResult> };

const maxIdLength = 128;

/** A usable frame id, or undefined. */
function frameIdOf(value: unknown): FrameId | undefined {
  if (typeof value === 'string' && value.length <= maxIdLength) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

const refuse = (code: ErrorCode, message: string, id?: FrameId): FrameFailure =>
  id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };

const expected = 'expected "ping" or a JSON object with "topics", "publish", "will" or "ping"';

/** Parses one text frame sent by a device. A failure carries the frame's id when it had one. */
export function parseClientFrame(
  text: string,
  limits: TopicLimits = defaultTopicLimits,
): { ok: true; value: ClientFrame } | FrameFailure {
  const trimmed = text.trim();
  if (trimmed === 'ping') return { ok: true, value: { kind: 'ping' } };
  const json = parseJson(trimmed);
  if (!json.ok || !isRecord(json.value)) return refuse('bad_frame', expected);
  const frame = json.value;
  if ('topics' in frame) return topicsFrame(frame, limits);
  if ('publish' in frame) return publishFrame(frame, limits);
  if ('ping' in frame) return { ok: true, value: { kind: 'app-ping', value: frame.ping } };
  if ('will' in frame) return willFrame(frame.will, limits);
  return refuse('bad_frame', expected);
}

function willFrame(will: unknown, limits: TopicLimits): { ok: true; value: ClientFrame } | FrameFailure {
  if (will === null) return { ok: true, value: { kind: 'will', will: null } };
  const publish = parsePublishRequest(will, limits);
  if (!publish.ok) return refuse(publish.code, `will: ${publish.message}`);
  return { ok: true, value: { kind: 'will', will: publish.value } };
}

function topicsFrame(
  frame: Record<string, unknown>,
  limits: TopicLimits,
): { ok: true; value: ClientFrame } | FrameFailure {
  const topics = parseTopicList(frame.topics, limits);
  if (!topics.ok) return refuse(topics.code, topics.message);
  const value: ClientFrame = { kind: 'topics', topics: topics.value };
  if (frame.format !== undefined) {
    if (frame.format !== 'raw' && frame.format !== 'envelope') {
      return refuse('bad_frame', 'format must be "raw" or "envelope"');
    }
    value.format = frame.format;
  }
  if (frame.filters !== undefined) {
    const filters = parseFilters(frame.filters, limits);
    if (typeof filters === 'string') return refuse('bad_frame', filters);
    value.filters = filters;
  }
  if (frame.since !== undefined) {
    const since = parseSince(frame.since, topics.value);
    if (since === null) {
      return refuse('bad_frame', 'since must map topics to {"offset": <integer ≥ 0>, "epoch": "<string>"}');
    }
    value.since = since;
  }
  if (frame.presence !== undefined) {
    if (typeof frame.presence !== 'boolean') return refuse('bad_frame', 'presence must be true or false');
    value.presence = frame.presence;
  }
  return { ok: true, value };
}

/** `filters`: a list of valid MQTT filters within the topic limits, or why not. */
function parseFilters(value: unknown, limits: TopicLimits): string[] | string {
  if (!Array.isArray(value) || value.length > limits.maxTopics) {
    return `filters must be a list of at most ${limits.maxTopics} MQTT filters`;
  }
  for (const filter of value) {
    if (typeof filter !== 'string' || filter.length > limits.maxTopicLength) {
      return `each filter must be a string of at most ${limits.maxTopicLength} characters`;
    }
    const problem = filterProblem(filter);
    if (problem !== null) return problem;
  }
  return [...new Set(value as string[])];
}

const maxEpochLength = 64;

/** `since`: topic → position, for topics of the frame only (others are ignored); null when malformed. */
function parseSince(value: unknown, topics: readonly string[]): Record<string, StreamPosition> | null {
  if (!isRecord(value)) return null;
  const since: Record<string, StreamPosition> = {};
  for (const [topic, position] of Object.entries(value)) {
    if (!isRecord(position)) return null;
    const { offset, epoch } = position;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return null;
    if (typeof epoch !== 'string' || epoch.length > maxEpochLength) return null;
    if (topics.includes(topic)) since[topic] = { offset, epoch };
  }
  return since;
}

function publishFrame(
  frame: Record<string, unknown>,
  limits: TopicLimits,
): { ok: true; value: ClientFrame } | FrameFailure {
  const id = frameIdOf(frame.id);
  if (frame.id !== undefined && frame.id !== null && id === undefined) {
    return refuse('bad_frame', `id must be a string of at most ${maxIdLength} characters or a number`);
  }
  const publish = parsePublishRequest(frame.publish, limits);
  if (!publish.ok) return refuse(publish.code, publish.message, id);
  const value: ClientFrame = { kind: 'publish', publish: publish.value, echo: frame.echo === true };
  if (id !== undefined) value.id = id;
  return { ok: true, value };
}

/** The JSON text of an envelope (`user_id` only when the publish was for one user). */
export function envelopeJson(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/** The JSON text of a recovery frame. */
export function recoveryJson(topics: Record<string, RecoveryResult>): string {
  return JSON.stringify({ recovery: topics });
}

/** The JSON text of an acknowledgement. */
export function ackJson(id: FrameId, delivered: number): string {
  return JSON.stringify({ ack: id, delivered });
}

/** The JSON text of an error frame (with the id of the frame it answers, when it had one). */
export function errorFrameJson(code: ErrorCode, message: string, id?: FrameId): string {
  return JSON.stringify(id === undefined ? { error: { code, message } } : { error: { code, message }, id });
}

/** Parses one text frame sent by the hub to an envelope-mode connection. */
export function parseServerFrame(text: string): Parsed<ServerFrame> {
  const json = parseJson(text);
  if (!json.ok || !isRecord(json.value)) return { ok: false, code: 'bad_frame', message: 'not a JSON object' };
  const frame = json.value;
  const { topic, message, ts, offset, epoch } = frame;
  if (typeof topic === 'string' && typeof message === 'string' && typeof ts === 'number') {
    if (typeof offset !== 'number' || typeof epoch !== 'string') {
      return { ok: false, code: 'bad_frame', message: 'an envelope without offset and epoch' };
    }
    const envelope: ServerFrame = { kind: 'envelope', topic, message, ts, offset, epoch };
    if (typeof frame.user_id === 'number') envelope.user_id = frame.user_id;
    if (frame.retained === true) envelope.retained = true;
    return { ok: true, value: envelope };
  }
  if (isRecord(frame.recovery)) {
    const topics: Record<string, RecoveryResult> = {};
    for (const [name, result] of Object.entries(frame.recovery)) {
      if (!isRecord(result) || typeof result.recovered !== 'boolean') continue;
      if (typeof result.offset !== 'number' || typeof result.epoch !== 'string') continue;
      topics[name] = { recovered: result.recovered, offset: result.offset, epoch: result.epoch };
    }
    return { ok: true, value: { kind: 'recovery', topics } };
  }
  const id = frameIdOf(frame.id);
  if ('ack' in frame) {
    const ack = frameIdOf(frame.ack);
    if (ack !== undefined && typeof frame.delivered === 'number') {
      return { ok: true, value: { kind: 'ack', id: ack, delivered: frame.delivered } };
    }
  } else if (isRecord(frame.error) && typeof frame.error.code === 'string') {
    const message = typeof frame.error.message === 'string' ? frame.error.message : '';
    const error: ServerFrame = { kind: 'error', code: frame.error.code, message };
    if (id !== undefined) error.id = id;
    return { ok: true, value: error };
  } else if ('pong' in frame) {
    return { ok: true, value: { kind: 'pong', value: frame.pong } };
  }
  return { ok: false, code: 'bad_frame', message: 'not a frame of the device protocol' };
}

/**
 * A binary frame of the device protocol: `[4-byte big-endian length n][n bytes of JSON header][payload]`.
 * Devices publish bytes with the header `{"publish": {"topic", "user_id"?, "retain"?}, "id"?, "echo"?}`;
 * envelope connections receive bytes with the envelope as header (no `message`). Raw connections
 * get the payload alone, as one binary frame.
 */
export function encodeBinaryFrame(header: unknown, payload: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + head.length + payload.length);
  new DataView(frame.buffer).setUint32(0, head.length);
  frame.set(head, 4);
  frame.set(payload, 4 + head.length);
  return frame;
}

/** Splits a binary frame into its JSON header and its payload; null when it is not one. */
export function decodeBinaryFrame(frame: Uint8Array): { header: unknown; payload: Uint8Array } | null {
  if (frame.length < 4) return null;
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (4 + length > frame.length) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + length)));
  } catch {
    return null;
  }
  return { header, payload: frame.subarray(4 + length) };
}

/** A device's binary publish: the publish without its message, the bytes, and the frame's id and echo. */
export interface BinaryPublish {
  publish: Omit<PublishRequest, 'message'>;
  payload: Uint8Array;
  id?: FrameId;
  echo: boolean;
}

const binaryExpected = 'a binary frame is [4-byte length][JSON header {"publish": {"topic", ...}, "id"?}][bytes]';

/** Parses a binary frame a device sent: a publish of bytes (the only binary frame a device may send). */
export function parseBinaryClientFrame(
  frame: Uint8Array,
  limits: TopicLimits = defaultTopicLimits,
): { ok: true; value: BinaryPublish } | FrameFailure {
  const decoded = decodeBinaryFrame(frame);
  if (decoded === null || !isRecord(decoded.header) || !('publish' in decoded.header)) {
    return refuse('bad_frame', binaryExpected);
  }
  const { header, payload } = decoded;
  const id = frameIdOf(header.id);
  if (header.id !== undefined && header.id !== null && id === undefined) {
    return refuse('bad_frame', `id must be a string of at most ${maxIdLength} characters or a number`);
  }
  // The same checks as a text publish, with the bytes standing in for the message.
  const body = isRecord(header.publish) ? { ...header.publish, message: '' } : header.publish;
  const publish = parsePublishRequest(body, limits);
  if (!publish.ok) return refuse(publish.code, publish.message, id);
  const rest: Omit<PublishRequest, 'message'> = { topic: publish.value.topic };
  if (publish.value.user_id !== undefined) rest.user_id = publish.value.user_id;
  if (publish.value.retain === true) rest.retain = true;
  const value: BinaryPublish = { publish: rest, payload, echo: header.echo === true };
  if (id !== undefined) value.id = id;
  return { ok: true, value };
}

/** Parses a binary frame the hub sent to an envelope connection: the envelope and its bytes. */
export function parseBinaryServerFrame(
  frame: Uint8Array,
): { ok: true; value: Omit<Envelope, 'message'> & { payload: Uint8Array } } | { ok: false } {
  const decoded = decodeBinaryFrame(frame);
  if (decoded === null || !isRecord(decoded.header)) return { ok: false };
  const { topic, ts, offset, epoch } = decoded.header;
  if (typeof topic !== 'string' || typeof ts !== 'number' || typeof offset !== 'number' || typeof epoch !== 'string') {
    return { ok: false };
  }
  const value: Omit<Envelope, 'message'> & { payload: Uint8Array } = {
    topic,
    ts,
    offset,
    epoch,
    payload: decoded.payload,
  };
  if (typeof decoded.header.user_id === 'number') value.user_id = decoded.header.user_id;
  if (decoded.header.retained === true) value.retained = true;
  return { ok: true, value };
}
