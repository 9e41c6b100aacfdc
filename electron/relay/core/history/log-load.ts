/**
 * Reading the history log at start: every segment's records, in file order, become each topic's
 * epoch, last offset, history (the consecutive run of offsets at its end) and retained message.
 * A torn tail of the newest segment (a write cut by a crash, never acknowledged) is cut off; a
 * damaged segment is moved aside, and every topic then gets a new epoch (its offsets are void).
 */
import { readFileSync, readdirSync, renameSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecords, type LogRecord } from './records';
import { newEntry, type Entry, type Streams } from './streams';

/** A segment file: `<id>.seg`, ids increasing with time. */
export const segmentName = (id: number): string => `${String(id).padStart(8, '0')}.seg`;

/** What the log held. */
export interface Loaded {
  /** Segments found (and kept), oldest first, with their size. */
  segments: { id: number; bytes: number }[];
  /** Files moved aside because they were damaged. */
  quarantined: string[];
  /** Every entry restored, with the segment its record was read from. */
  entries: Entry[];
}

interface TopicLog {
  epoch: string;
  lastOffset: number;
  /** Publications by offset (a compaction may have copied one: the newest copy wins). */
  publications: Map<number, { record: Extract<LogRecord, { kind: 'publication' }>; segment: number }>;
  /** Offsets up to which the retained message was cleared / the history emptied. */
  unretainedAt: number;
  clearedAt: number;
}

/** Reads the log in `dir` into `streams`. */
export function loadLog(dir: string, streams: Streams): Loaded {
  const ids = readdirSync(dir)
    .filter((name) => /^\d{8}\.seg$/.test(name))
    .map((name) => Number(name.slice(0, 8)))
    .sort((a, b) => a - b);
  const topics = new Map<string, TopicLog>();
  const quarantined: string[] = [];
  const segments: { id: number; bytes: number }[] = [];
  ids.forEach((id, index) => {
    const path = join(dir, segmentName(id));
    const { records, validBytes, problem } = decodeRecords(readFileSync(path));
    if (problem === 'corrupt' || (problem === 'torn' && index < ids.length - 1)) {
      // Damaged (or cut short and then written after): its records are not trusted.
      const aside = `${path}.damaged-${Date.now()}`;
      renameSync(path, aside);
      quarantined.push(aside);
      return;
    }
    if (problem === 'torn') truncateSync(path, validBytes);
    segments.push({ id, bytes: validBytes });
    for (const record of records) apply(topics, record, id);
  });
  const entries = restore(topics, streams);
  if (quarantined.length > 0) for (const [topic] of streams.positions()) streams.renewEpoch(topic);
  return { segments, quarantined, entries };
}

function apply(topics: Map<string, TopicLog>, record: LogRecord, segment: number): void {
  let log = topics.get(record.topic);
  if (log === undefined) {
    log = { epoch: '', lastOffset: 0, publications: new Map(), unretainedAt: 0, clearedAt: 0 };
    topics.set(record.topic, log);
  }
  if ('epoch' in record && record.epoch !== log.epoch) {
    // A new epoch: what the topic had under the old one is void.
    log.epoch = record.epoch;
    log.lastOffset = 0;
    log.publications.clear();
    log.unretainedAt = 0;
    log.clearedAt = 0;
  }
  log.lastOffset = Math.max(log.lastOffset, record.offset);
  switch (record.kind) {
    case 'publication':
      log.publications.set(record.offset, { record, segment });
      return;
    case 'unretain':
      log.unretainedAt = Math.max(log.unretainedAt, record.offset);
      return;
    case 'clear':
      log.clearedAt = Math.max(log.clearedAt, record.offset);
      return;
    case 'stream':
      return;
  }
}

function restore(topics: Map<string, TopicLog>, streams: Streams): Entry[] {
  const restored: Entry[] = [];
  for (const [topic, log] of topics) {
    if (log.epoch === '') continue; // only records without an epoch: nothing to place them in
    streams.restoreStream(topic, log.epoch, log.lastOffset);
    const offsets = [...log.publications.keys()].sort((a, b) => a - b);
    // The history is the consecutive run of offsets that ends at the topic's last one.
    let start = offsets.length;
    while (start > 0 && offsets[start - 1] === log.lastOffset - (offsets.length - start)) start--;
    // The retained message: the newest publication with retain, unless cleared after it.
    let retained: number | null = null;
    for (const offset of offsets) {
      const { record } = log.publications.get(offset) as { record: { retain: boolean; message: string | Buffer } };
      if (record.retain) retained = record.message.length === 0 ? null : offset;
    }
    if (retained !== null && retained <= log.unretainedAt) retained = null;
    offsets.forEach((offset, index) => {
      const inHistory = index >= start && offset > log.clearedAt;
      if (!inHistory && offset !== retained) return;
      const { record, segment } = log.publications.get(offset) as NonNullable<ReturnType<typeof log.publications.get>>;
      const { ts, message, userId, retain, qos } = record;
      const entry = newEntry({ topic, offset, ts, message, userId, retain, qos }, segment);
      streams.restore(entry, inHistory, offset === retained);
      restored.push(entry);
    });
  }
  return restored;
}
