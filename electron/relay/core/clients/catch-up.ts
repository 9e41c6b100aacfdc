/**
 * What a door's subscriber gets when it subscribes: for each topic, what it missed since the
 * positions it gives (history, through the engine), else the topic's retained message; then it is
 * subscribed, in the same turn, so no publish falls between the replay and the live messages (the
 * seam rule of `core/subscribe.ts`, for every door). Filters find their topics among the engine's.
 */
import type { StreamPosition } from '../../../../shared/api';
import type { RecoveryResult } from '../../../../shared/protocol';
import { filterMatches } from '../../../../shared/topic-filter';
import type { Engine, Publication } from '../history/types';
import { Delivery } from './fanout';
import type { Subscriber, Subscribers } from './subscribers';

/** What to subscribe to and from where. */
export interface CatchUpRequest {
  topics: readonly string[];
  filters: readonly string[];
  /**
   * Per topic, the position the subscriber has seen (null: nothing of that topic yet); a topic of
   * `topics` or matching a filter that is absent here is replayed from its start. Null: a fresh
   * subscription, nothing to replay.
   */
  since: ReadonlyMap<string, StreamPosition | null> | null;
  /** Send each topic's retained message when nothing was replayed for it. */
  retained: boolean;
  /** Only these topics (a device key's scope); default: all. */
  allowed?: (topic: string) => boolean;
}

/** What a catch-up found: each concrete topic's position now, and per topic whether history covered it. */
export interface CatchUpResult {
  positions: Map<string, StreamPosition | null>;
  /** Null for a fresh subscription. */
  recovery: Record<string, RecoveryResult> | null;
}

const deliveryOf = (p: Publication, epoch: string, retained: boolean): Delivery =>
  new Delivery(p.topic, p.message, p.userId, p.ts, p.offset, epoch, retained);

/**
 * Replays to `sub` what it missed (or the retained messages), subscribes it, and calls `done` with
 * the result, all in one turn once the engine holds the asked positions. Nothing happens when `sub`
 * left the hub meanwhile.
 */
export function catchUp(
  engine: Engine,
  doors: Subscribers,
  sub: Subscriber,
  request: CatchUpRequest,
  done: (result: CatchUpResult) => void,
): void {
  const { topics, filters, since, retained } = request;
  const allowed = request.allowed ?? (() => true);
  const asked: Record<string, StreamPosition> = {};
  if (since !== null) for (const [topic, position] of since) if (position !== null) asked[topic] = position;
  engine.whenCurrent(since === null ? undefined : asked, () => {
    if (doors.get(sub.id) !== sub) return;
    const concrete = new Set(topics);
    if (filters.length > 0) {
      for (const { topic } of engine.topics()) {
        if (filters.some((filter) => filterMatches(filter, topic))) concrete.add(topic);
      }
    }
    // A user-less subscriber gets publications aimed at no user only.
    const userId = sub.userId ?? -1;
    const positions = new Map<string, StreamPosition | null>();
    const recovery: Record<string, RecoveryResult> | null = since === null ? null : {};
    for (const topic of concrete) {
      if (!allowed(topic)) continue;
      const now = engine.position(topic);
      let replayed = false;
      if (recovery !== null && now !== null) {
        // Unknown to the subscriber (or nothing seen yet): everything of the topic is new to it.
        const from = since?.get(topic) ?? { offset: 0, epoch: now.epoch };
        const found = engine.recover(topic, from, userId);
        recovery[topic] = { recovered: found.recovered, ...found.position };
        for (const publication of found.publications) sub.deliver(deliveryOf(publication, now.epoch, false));
        replayed = found.recovered;
      }
      if (!replayed && retained && now !== null) {
        const message = engine.retained(topic);
        if (message !== null && (message.userId === undefined || message.userId === sub.userId)) {
          sub.deliver(deliveryOf(message, now.epoch, true));
        }
      }
      positions.set(topic, engine.position(topic));
    }
    doors.subscribe(sub, { topics, filters });
    done({ positions, recovery });
  });
}
