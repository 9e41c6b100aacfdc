import { maxUserId } from '../../shared/limits';
import type { GuiPublishRequest } from '../../shared/ipc';
import { parsePublishRequest } from '../../shared/parse';
import { parseBase64, parseHex, toBase64, utf8Length } from '../bytes';

/** How the message is given: text as typed, bytes as hex or base64, or a file's bytes. */
export type BodyMode = 'text' | 'hex' | 'base64' | 'file';

/** A file picked for publishing: its name and bytes. */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/** The publish form's raw field values. */
export interface PublishFields {
  topic: string;
  userId: string;
  message: string;
  mode: BodyMode;
  retain: boolean;
  /** The QoS MQTT subscribers get it with. */
  qos: 0 | 1 | 2;
  file: PickedFile | null;
}

/** An empty form (optionally with a topic). */
export function emptyPublishFields(topic = ''): PublishFields {
  return { topic, userId: '', message: '', mode: 'text', retain: false, qos: 0, file: null };
}

/** Per-field messages, only for the fields that are wrong. */
export type PublishErrors = Partial<Record<'topic' | 'userId' | 'message', string>>;

/** The message's bytes as the form would send them, or why it cannot. */
export function messageBytes(
  fields: PublishFields,
): { ok: true; bytes: Uint8Array | null; size: number } | { ok: false; error: string } {
  switch (fields.mode) {
    case 'text':
      return { ok: true, bytes: null, size: utf8Length(fields.message) };
    case 'file':
      return fields.file === null
        ? { ok: false, error: 'Choose a file to send' }
        : { ok: true, bytes: fields.file.bytes, size: fields.file.bytes.length };
    case 'hex':
    case 'base64': {
      const parsed = fields.mode === 'hex' ? parseHex(fields.message) : parseBase64(fields.message);
      return parsed.ok ? { ok: true, bytes: parsed.bytes, size: parsed.bytes.length } : parsed;
    }
  }
}

/**
 * Turns the form into a `publish` command with the hub's own parser, so the form refuses exactly
 * what the hub would. An empty user id means "every subscriber of the topic"; bytes travel as base64.
 */
export function validatePublish(
  fields: PublishFields,
): { ok: true; value: GuiPublishRequest } | { ok: false; errors: PublishErrors } {
  const userText = fields.userId.trim();
  if (userText !== '' && !/^\d+$/.test(userText)) {
    return { ok: false, errors: { userId: 'User id must be a whole number, or empty for everyone' } };
  }
  const body = fields.mode === 'text' ? fields.message : '';
  const request = {
    topic: fields.topic.trim(),
    message: body,
    ...(userText === '' ? {} : { user_id: Number(userText) }),
    ...(fields.retain ? { retain: true } : {}),
  };
  const parsed = parsePublishRequest(request);
  const bytes = messageBytes(fields);
  // Every wrong field at once: a bad topic does not hide bad hex.
  const bytesError = bytes.ok ? {} : { message: bytes.error };
  if (!parsed.ok) {
    if (parsed.code === 'invalid_topic') {
      const topic = request.topic === '' ? 'Enter a topic' : sentence(parsed.message);
      return { ok: false, errors: { topic, ...bytesError } };
    }
    if (parsed.code === 'invalid_user_id') {
      return { ok: false, errors: { userId: `User id must be a whole number from 0 to ${maxUserId}`, ...bytesError } };
    }
    return { ok: false, errors: { message: sentence(parsed.message) } };
  }
  if (!bytes.ok) return { ok: false, errors: { message: bytes.error } };
  const value: GuiPublishRequest = fields.qos === 0 ? parsed.value : { ...parsed.value, qos: fields.qos };
  if (bytes.bytes === null) return { ok: true, value };
  return { ok: true, value: { ...value, message: toBase64(bytes.bytes), encoding: 'base64' } };
}

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
