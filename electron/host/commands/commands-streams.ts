/**
 * The GUI's commands for topics' streams: each topic's history and retained message (the list
 * previews retained messages; a topic's history comes on demand), and clearing them.
 */
import { parseHistoryArg, parseNoArg, parseTopicArg } from '../../../shared/command-args';
import type { CommandName, CommandResult, RetainedPreview, TopicStreamSummary } from '../../../shared/ipc';
import type { TopicStreamInfo } from '../../../shared/hub';
import type { Relay } from '../../relay/index';

/** The commands answered here. */
export type StreamCommand = Extract<CommandName, 'getStreams' | 'getHistory' | 'clearRetained' | 'clearHistory'>;

/** Characters of a retained text message the topics list carries (bytes: three quarters of it, in base64). */
export const retainedPreviewChars = 256;

type Result = CommandResult<CommandName>;
const invalid = (parsed: { code: Extract<Result, { ok: false }>['error']['code']; message: string }): Result => ({
  ok: false,
  error: { code: parsed.code, message: parsed.message },
});

/** Runs one stream command (its name already checked). */
export function runStreamCommand(relay: Relay, name: StreamCommand, arg: unknown): Result {
  switch (name) {
    case 'getStreams': {
      const parsed = parseNoArg(arg);
      return parsed.ok ? { ok: true, value: { streams: relay.streams().map(summaryOf) } } : invalid(parsed);
    }
    case 'getHistory': {
      const parsed = parseHistoryArg(arg, relay.options);
      if (!parsed.ok) return invalid(parsed);
      const { topic, since, limit } = parsed.value;
      const history = relay.history(topic, since, limit);
      if (history === null) return invalid({ code: 'not_found', message: 'nothing was published to this topic' });
      return { ok: true, value: history };
    }
    case 'clearRetained': {
      const parsed = parseTopicArg(arg, relay.options);
      if (!parsed.ok) return invalid(parsed);
      return { ok: true, value: { topic: parsed.value.topic, removed: relay.clearRetained(parsed.value.topic) } };
    }
    case 'clearHistory': {
      const parsed = parseTopicArg(arg, relay.options);
      if (!parsed.ok) return invalid(parsed);
      return { ok: true, value: { topic: parsed.value.topic, removed: relay.clearHistory(parsed.value.topic) } };
    }
  }
}

/** A stream with its retained message cut to a preview (a list of every topic stays small). */
export function summaryOf(stream: TopicStreamInfo): TopicStreamSummary {
  const { retained, ...rest } = stream;
  return { ...rest, retained: retained === null ? null : previewOf(retained) };
}

/** A kept message cut to its first `chars` characters (bytes: three quarters as many), with its whole size. */
export function previewOf(
  item: NonNullable<TopicStreamInfo['retained']>,
  chars = retainedPreviewChars,
): RetainedPreview {
  const preview = previewOfMessage(item, chars);
  if (item.qos !== undefined) preview.qos = item.qos;
  return preview;
}

function previewOfMessage(item: NonNullable<TopicStreamInfo['retained']>, chars: number): RetainedPreview {
  if (item.encoding === 'base64') {
    const bytes = Buffer.from(item.message, 'base64');
    const head = bytes.subarray(0, (chars / 4) * 3);
    return {
      message: head.toString('base64'),
      encoding: 'base64',
      ts: item.ts,
      bytes: bytes.length,
      truncated: head.length < bytes.length,
    };
  }
  const head = item.message.slice(0, chars);
  return {
    message: head,
    ts: item.ts,
    bytes: Buffer.byteLength(item.message),
    truncated: head.length < item.message.length,
  };
}
