/**
 * The query of an HTTP stream (`GET /sse`, `GET /stream`): `topic=` and `filter=` (repeatable),
 * `user_id=`, `retained=false`, `presence=true`, `since=<id>`. A pure parser: the hub's door and the
 * tests use it alike.
 */
import type { ErrorCode } from './api';
import type { TopicLimits } from './limits';
import { parseTopic, type Parsed } from './parse';
import { filterProblem } from './topic-filter';

/** A parsed stream query. */
export interface StreamQuery {
  topics: string[];
  filters: string[];
  userId: number | null;
  retained: boolean;
  presence: boolean;
  /** The position id to resume from (`since=`), or null. */
  since: string | null;
}

const bad = (message: string, code: ErrorCode = 'invalid_query'): Parsed<StreamQuery> => ({
  ok: false,
  code,
  message,
});

const flags = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/** A query's values by name (a `URLSearchParams`). */
export interface QueryValues {
  get(name: string): string | null;
  getAll(name: string): string[];
}

/** Parses a stream's query (topics and filters count together against `maxTopics`). */
export function parseStreamQuery(query: QueryValues, limits: TopicLimits): Parsed<StreamQuery> {
  const topics = [...new Set(query.getAll('topic'))];
  const filters = [...new Set(query.getAll('filter'))];
  if (topics.length + filters.length === 0) {
    return bad('give at least one topic=<topic> or filter=<mqtt filter>', 'invalid_topics');
  }
  if (topics.length + filters.length > limits.maxTopics) {
    return bad(`at most ${limits.maxTopics} topics and filters per stream`, 'invalid_topics');
  }
  for (const topic of topics) {
    const checked = parseTopic(topic, limits);
    if (!checked.ok) return bad(checked.message, 'invalid_topics');
  }
  for (const filter of filters) {
    const problem = filter.length > limits.maxTopicLength ? 'a filter is too long' : filterProblem(filter);
    if (problem !== null) return bad(problem, 'invalid_topics');
  }
  let userId: number | null = null;
  const user = query.get('user_id');
  if (user !== null) {
    if (!/^\d{1,15}$/.test(user)) return bad('user_id must be a whole number');
    userId = Number(user);
  }
  const retained = flags.get(query.get('retained') ?? 'true');
  const presence = flags.get(query.get('presence') ?? 'false');
  if (retained === undefined || presence === undefined) return bad('retained and presence must be true or false');
  const since = query.get('since');
  return { ok: true, value: { topics, filters, userId, retained, presence, since: since === '' ? null : since } };
}
