/**
 * A publication as it travels between hubs and sits in Redis (the bus, a stream entry, a retained
 * key): `<offset> <epoch> <head length>\n<head JSON><message bytes>`. The hub that publishes writes
 * the head; Redis (the publish script) puts the offset and epoch in front. The message keeps its
 * exact bytes; the head says whether they are text (UTF-8) or a binary message, and the MQTT QoS
 * it was published with (absent: 0, as in what older hubs wrote).
 */
import type { Payload, Qos } from '../core/history/types';

/** What the publishing hub says about a publication. */
export interface Head {
  /** Topic. */
  t: string;
  /** When the hub accepted it (ms since the epoch). */
  ts: number;
  /** For one user only. */
  u?: number;
  /** Published with retain. */
  r?: 1;
  /** A binary message. */
  b?: 1;
  /** Its MQTT QoS, when above 0. */
  q?: 1 | 2;
  /** The publishing hub's member id, and its number for the publish (its receipt). */
  h: string;
  s: number;
}

/** A publication read back from Redis or the bus. */
export interface Wire {
  offset: number;
  epoch: string;
  topic: string;
  ts: number;
  userId: number | undefined;
  retain: boolean;
  message: Payload;
  /** The MQTT QoS it was published with (0 when the head has none). */
  qos: Qos;
  /** The hub that published it, and its number there. */
  hub: string;
  seq: number;
}

/** The head of a publication, as the publish script takes it. */
export function encodeHead(
  topic: string,
  message: Payload,
  userId: number | undefined,
  ts: number,
  retain: boolean,
  hub: string,
  seq: number,
  qos: Qos = 0,
): string {
  const head: Head = { t: topic, ts, h: hub, s: seq };
  if (userId !== undefined) head.u = userId;
  if (retain) head.r = 1;
  if (typeof message !== 'string') head.b = 1;
  if (qos !== 0) head.q = qos;
  return JSON.stringify(head);
}

const newline = 0x0a;

/** Reads a publication from `data` starting at `from` (1 on the bus, after its kind byte); null when malformed. */
export function decodeWire(data: Buffer, from = 0): Wire | null {
  const end = data.indexOf(newline, from);
  if (end === -1 || end - from > 200) return null;
  const [offsetText, epoch, lengthText] = data.toString('latin1', from, end).split(' ');
  const offset = Number(offsetText);
  const length = Number(lengthText);
  if (!Number.isSafeInteger(offset) || offset < 1 || epoch === undefined || epoch === '') return null;
  if (!Number.isSafeInteger(length) || length < 2 || end + 1 + length > data.length) return null;
  let head: Head;
  try {
    head = JSON.parse(data.toString('utf8', end + 1, end + 1 + length)) as Head;
  } catch {
    return null;
  }
  if (typeof head.t !== 'string' || typeof head.ts !== 'number' || typeof head.h !== 'string') return null;
  const bytes = data.subarray(end + 1 + length);
  return {
    offset,
    epoch,
    topic: head.t,
    ts: head.ts,
    userId: typeof head.u === 'number' ? head.u : undefined,
    retain: head.r === 1,
    // A binary message keeps its own copy: the bus's buffer is not held for as long as the history keeps it.
    message: head.b === 1 ? Buffer.from(bytes) : bytes.toString('utf8'),
    qos: head.q === 1 || head.q === 2 ? head.q : 0,
    hub: head.h,
    seq: typeof head.s === 'number' ? head.s : 0,
  };
}
