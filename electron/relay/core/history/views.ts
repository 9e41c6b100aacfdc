/** The engine's publications as the HTTP API and the GUI show them. */
import type { HistoryItem, HistoryResponse } from '../../../../shared/api';
import type { TopicStreamInfo } from '../../../../shared/hub';
import type { Engine, Publication, TopicHistory } from './types';

/** A publication as `GET /history` shows it. */
export function historyItemOf(publication: Publication): HistoryItem {
  const { offset, ts, message } = publication;
  // Bytes travel in JSON as base64, marked so.
  const item: HistoryItem =
    typeof message === 'string'
      ? { offset, ts, message }
      : { offset, ts, message: message.toString('base64'), encoding: 'base64' };
  if (publication.userId !== undefined) item.user_id = publication.userId;
  if (publication.retain) item.retain = true;
  // Left out at 0, like `retain` when false: the tutorial's shape stays as it was.
  if (publication.qos !== 0) item.qos = publication.qos;
  return item;
}

/** The answer of `GET /history/<topic>?since=&limit=`, or null for a topic never published to. */
export function historyOf(engine: Engine, topic: string, since: number, limit: number): HistoryResponse | null {
  const { position, publications, complete } = engine.history(topic, since, limit);
  if (position === null) return null;
  return { topic, ...position, messages: publications.map(historyItemOf), complete };
}

/** A topic's stream for the GUI. */
export function streamInfoOf(history: TopicHistory): TopicStreamInfo {
  const { topic, epoch, lastOffset, size, bytes, retained } = history;
  return { topic, epoch, lastOffset, size, bytes, retained: retained === null ? null : historyItemOf(retained) };
}
