/**
 * Reads the cluster's streams from Redis into a fresh copy (when a hub joins, and after every
 * outage): each topic's epoch and last offset, its history and its retained message. Read in
 * pipelines of a few topics at a time, so a large cluster never blocks Redis for long.
 */
import type { Redis } from 'ioredis';
import type { StreamPosition } from '../../../shared/api';
import { newEntry, type Entry, type Streams } from '../core/history/streams';
import { decodeWire, type Wire } from './codec';
import type { ClusterKeys } from './redis';

/** Topics read per round trip. */
const topicsPerBatch = 100;

/** A loaded publication with who published it (a hub finds its own publishes among them). */
export interface LoadedEntry {
  entry: Entry;
  hub: string;
  seq: number;
}

/** What Redis holds: the copy, each topic's position, and its history (oldest first). */
export interface Loaded {
  streams: Streams;
  positions: Map<string, StreamPosition>;
  histories: Map<string, LoadedEntry[]>;
}

/** An entry of the streams for a publication read from Redis. */
export function entryOf(wire: Wire): Entry {
  const { topic, offset, ts, message, userId, retain, qos } = wire;
  return newEntry({ topic, offset, ts, message, userId, retain, qos });
}

/** Loads every topic into `streams` (empty, with this hub's limits applied as it loads). */
export async function loadStreams(redis: Redis, keys: ClusterKeys, streams: Streams): Promise<Loaded> {
  const topics = await redis.smembers(keys.topics);
  const positions = new Map<string, StreamPosition>();
  const histories = new Map<string, LoadedEntry[]>();
  for (let i = 0; i < topics.length; i += topicsPerBatch) {
    const batch = topics.slice(i, i + topicsPerBatch);
    const pipeline = redis.pipeline();
    for (const topic of batch) {
      pipeline.hmget(keys.meta(topic), 'e', 's');
      pipeline.xrangeBuffer(keys.stream(topic), '-', '+');
      pipeline.getBuffer(keys.retained(topic));
    }
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((topic, j) => {
      const [metaError, meta] = replies[3 * j] ?? [];
      const [, stream] = replies[3 * j + 1] ?? [];
      const [, retained] = replies[3 * j + 2] ?? [];
      if (metaError) throw metaError;
      const [epoch, last] = (meta ?? []) as (string | null)[];
      if (epoch == null || last == null) return;
      const position = { epoch, offset: Number(last) };
      positions.set(topic, position);
      streams.restoreStream(topic, epoch, position.offset);
      const loaded = restoreTopic(streams, epoch, stream as [Buffer, Buffer[]][] | null, retained as Buffer | null);
      histories.set(topic, loaded);
    });
  }
  streams.evictExpired(Date.now(), Number.POSITIVE_INFINITY);
  return { streams, positions, histories };
}

/** Restores one topic's history (and retained message) as Redis holds it; returns the history's entries. */
function restoreTopic(
  streams: Streams,
  epoch: string,
  stream: [Buffer, Buffer[]][] | null,
  retainedData: Buffer | null,
): LoadedEntry[] {
  const retainedWire = retainedData === null ? null : decodeWire(retainedData);
  const retained = retainedWire?.epoch === epoch ? retainedWire : null;
  const loaded: LoadedEntry[] = [];
  let next = -1;
  for (const [, fields] of stream ?? []) {
    const body = fields[1];
    const wire = body === undefined ? null : decodeWire(body);
    if (wire === null || wire.epoch !== epoch) continue;
    // Offsets in a history are consecutive: a hole (never expected) restarts it.
    if (next !== -1 && wire.offset !== next) loaded.length = 0;
    next = wire.offset + 1;
    loaded.push({ entry: entryOf(wire), hub: wire.hub, seq: wire.seq });
  }
  let retainedKept = false;
  for (const { entry } of loaded) {
    const isRetained = retained !== null && entry.offset === retained.offset;
    retainedKept ||= isRetained;
    streams.restore(entry, true, isRetained);
  }
  if (retained !== null && !retainedKept) streams.restore(entryOf(retained), false, true);
  return loaded;
}
