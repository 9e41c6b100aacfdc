import type { ErrorCode, PublishRequest, RegisterRequest } from './api';
import { defaultTopicLimits, maxUserId, type TopicLimits } from './limits';

/** Result of a pure parser: the value, or a stable error code and a human message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

const fail = (code: ErrorCode, message: string): { ok: false; code: ErrorCode; message: string } => ({
  ok: false,
  code,
  message,
});

/** A JSON object (not null, not an array): what every request body and command argument must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that reports failure instead of throwing. */
export function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return fail('bad_json', 'body is not valid JSON');
  }
}

/** A user id: a non-negative safe integer. */
export function parseUserId(value: unknown): Parsed<number> {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxUserId) {
    return fail('invalid_user_id', `user_id must be an integer from 0 to ${maxUserId}`);
  }
  return { ok: true, value };
}

/** One topic name: a non-empty string within the length limit. */
export function parseTopic(
  value: unknown,
  limits: Pick<TopicLimits, 'maxTopicLength'> = defaultTopicLimits,
): Parsed<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > limits.maxTopicLength) {
    return fail('invalid_topic', `topic must be a non-empty string of at most ${limits.maxTopicLength} characters`);
  }
  return { ok: true, value };
}

/** The longest device name `POST /register` accepts. */
export const maxDeviceNameLength = 100;

/** `POST /register` body. */
export function parseRegisterRequest(body: unknown): Parsed<RegisterRequest> {
  if (!isRecord(body)) return fail('invalid_body', 'body must be a JSON object like {"user_id": 1}');
  const userId = parseUserId(body.user_id);
  if (!userId.ok) return userId;
  if (body.name === undefined || body.name === null) return { ok: true, value: { user_id: userId.value } };
  if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > maxDeviceNameLength) {
    return fail('invalid_body', `name must be a text of 1 to ${maxDeviceNameLength} characters`);
  }
  return { ok: true, value: { user_id: userId.value, name: body.name } };
}

/** `POST /publish` body. `user_id` may be absent or null (broadcast to the topic). */
export function parsePublishRequest(body: unknown, limits: TopicLimits = defaultTopicLimits): Parsed<PublishRequest> {
  if (!isRecord(body)) {
    return fail('invalid_body', 'body must be a JSON object like {"topic": "cats", "message": "hi"}');
  }
  const topic = parseTopic(body.topic, limits);
  if (!topic.ok) return topic;
  if (typeof body.message !== 'string') return fail('invalid_message', 'message must be a string');
  const value: PublishRequest = { topic: topic.value, message: body.message };
  if (body.user_id !== undefined && body.user_id !== null) {
    const userId = parseUserId(body.user_id);
    if (!userId.ok) return userId;
    value.user_id = userId.value;
  }
  if (body.retain !== undefined && body.retain !== null && body.retain !== false) {
    if (body.retain !== true) return fail('invalid_body', 'retain must be true or false');
    value.retain = true;
  }
  return { ok: true, value };
}

/** A topic set: an array of distinct non-empty strings within the limits (duplicates folded). */
export function parseTopicList(value: unknown, limits: TopicLimits = defaultTopicLimits): Parsed<string[]> {
  if (!Array.isArray(value)) return fail('invalid_topics', 'topics must be an array of strings');
  if (value.length > limits.maxTopics) {
    return fail('invalid_topics', `at most ${limits.maxTopics} topics per client`);
  }
  const topics = new Set<string>();
  for (const item of value) {
    const topic = parseTopic(item, limits);
    if (!topic.ok) return fail('invalid_topics', topic.message);
    topics.add(topic.value);
  }
  return { ok: true, value: [...topics] };
}

/** A registration id: 32 lowercase hex characters (a UUID v4 in simple form). */
export function isClientId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/**
 * The query of a binary `POST /publish?topic=<t>[&user_id=<n>][&retain=true]` (the body is the
 * message's bytes): the same checks as a JSON publish.
 */
export function parsePublishQuery(
  query: Readonly<Record<string, string | undefined>>,
  limits: TopicLimits = defaultTopicLimits,
): Parsed<Omit<PublishRequest, 'message'>> {
  const topic = parseTopic(query.topic, limits);
  if (!topic.ok) return topic;
  const value: Omit<PublishRequest, 'message'> = { topic: topic.value };
  if (query.user_id !== undefined && query.user_id !== '') {
    const userId = parseUserId(/^\d{1,16}$/.test(query.user_id) ? Number(query.user_id) : Number.NaN);
    if (!userId.ok) return userId;
    value.user_id = userId.value;
  }
  if (query.retain !== undefined) {
    if (query.retain !== 'true' && query.retain !== 'false')
      return fail('invalid_query', 'retain must be true or false');
    if (query.retain === 'true') value.retain = true;
  }
  return { ok: true, value };
}
