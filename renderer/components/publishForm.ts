import type { PublishRequest } from '../../shared/api';
import { maxUserId } from '../../shared/limits';
import { parsePublishRequest } from '../../shared/parse';

/** The publish form's raw field values. */
export interface PublishFields {
  topic: string;
  userId: string;
  message: string;
}

/** Per-field messages, only for the fields that are wrong. */
export type PublishErrors = Partial<Record<keyof PublishFields, string>>;

/**
 * Turns the form into a `POST /publish` body with the hub's own parser, so the form refuses
 * exactly what the hub would. An empty user id means "every subscriber of the topic".
 */
export function validatePublish(
  fields: PublishFields,
): { ok: true; value: PublishRequest } | { ok: false; errors: PublishErrors } {
  const userText = fields.userId.trim();
  if (userText !== '' && !/^\d+$/.test(userText)) {
    return { ok: false, errors: { userId: 'User id must be a whole number, or empty for everyone' } };
  }
  const body = {
    topic: fields.topic.trim(),
    message: fields.message,
    ...(userText === '' ? {} : { user_id: Number(userText) }),
  };
  const parsed = parsePublishRequest(body);
  if (parsed.ok) return parsed;
  if (parsed.code === 'invalid_topic') {
    return { ok: false, errors: { topic: body.topic === '' ? 'Enter a topic' : sentence(parsed.message) } };
  }
  if (parsed.code === 'invalid_user_id') {
    return { ok: false, errors: { userId: `User id must be a whole number from 0 to ${maxUserId}` } };
  }
  return { ok: false, errors: { message: sentence(parsed.message) } };
}

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
