/**
 * The history log's records: length-prefixed, CRC-32-checked binary records, so a torn write is
 * told apart from a corrupt file and a message's bytes are kept as they are.
 *
 * record = u32 body length, u32 CRC-32 of the body, body (little-endian):
 *   kind 1 publication  u8 flags (1 retain, 2 has user, 4 bytes, 8 and 16: the MQTT QoS + 1), f64
 *                       offset, f64 ts, f64 user (if flagged), u32 topic bytes, topic, u8 epoch
 *                       bytes, epoch, message (the rest: UTF-8 text, or the bytes of a binary message)
 *   kind 2 unretain     f64 offset (the topic's last offset then), u32 topic bytes, topic
 *   kind 3 clear        f64 offset (the topic's last offset then), u32 topic bytes, topic
 *   kind 4 stream       f64 offset (last offset), u32 topic bytes, topic, u8 epoch bytes, epoch
 *
 * Logs written before the QoS was kept have 0 in its two bits: such a publication reads as QoS 1,
 * the QoS those versions sent every retained message at, so an upgrade changes nothing for what
 * they stored (and never sends below QoS 1 a message that may have been published at 1 or 2).
 * Older versions ignore the bits.
 */
import { crc32 } from 'node:zlib';
import type { Qos } from './types';

const headerBytes = 8;

/** One record. */
export type LogRecord =
  | {
      kind: 'publication';
      topic: string;
      offset: number;
      ts: number;
      userId: number | undefined;
      retain: boolean;
      /** The MQTT QoS it was published with. */
      qos: Qos;
      epoch: string;
      /** Text, or bytes (flag 4). */
      message: string | Buffer;
    }
  | { kind: 'unretain' | 'clear'; topic: string; offset: number }
  | { kind: 'stream'; topic: string; offset: number; epoch: string };

const kinds = { publication: 1, unretain: 2, clear: 3, stream: 4 } as const;

/** Encodes one record. */
export function encodeRecord(record: LogRecord): Buffer {
  const topic = Buffer.from(record.topic, 'utf8');
  const epoch = 'epoch' in record ? Buffer.from(record.epoch, 'latin1') : null;
  const message =
    record.kind !== 'publication'
      ? null
      : typeof record.message === 'string'
        ? Buffer.from(record.message, 'utf8')
        : record.message;
  const hasUser = record.kind === 'publication' && record.userId !== undefined;
  let size = 1 + 8 + 4 + topic.length;
  if (record.kind === 'publication') size += 1 + 8 + (hasUser ? 8 : 0);
  if (epoch !== null) size += 1 + epoch.length;
  if (message !== null) size += message.length;
  const buffer = Buffer.allocUnsafe(headerBytes + size);
  let at = headerBytes;
  buffer[at++] = kinds[record.kind];
  if (record.kind === 'publication') {
    const binary = typeof record.message === 'string' ? 0 : 4;
    buffer[at++] = (record.retain ? 1 : 0) | (hasUser ? 2 : 0) | binary | ((record.qos + 1) << 3);
  }
  at = buffer.writeDoubleLE(record.offset, at);
  if (record.kind === 'publication') {
    at = buffer.writeDoubleLE(record.ts, at);
    if (record.userId !== undefined) at = buffer.writeDoubleLE(record.userId, at);
  }
  at = buffer.writeUInt32LE(topic.length, at);
  at += topic.copy(buffer, at);
  if (epoch !== null) {
    buffer[at++] = epoch.length;
    at += epoch.copy(buffer, at);
  }
  if (message !== null) message.copy(buffer, at);
  buffer.writeUInt32LE(size, 0);
  buffer.writeUInt32LE(crc32(buffer.subarray(headerBytes)), 4);
  return buffer;
}

/** What reading a log file found. */
export interface ReadResult {
  records: LogRecord[];
  /** Bytes of the file that hold whole, valid records. */
  validBytes: number;
  /** Why reading stopped early: the tail of an interrupted write, or a record that is damaged. */
  problem: 'torn' | 'corrupt' | null;
}

/** Reads every record of a log file's contents. */
export function decodeRecords(data: Buffer): ReadResult {
  const records: LogRecord[] = [];
  let at = 0;
  while (at < data.length) {
    const rest = data.subarray(at);
    // Less than a header, or a body that runs past the end: a write that was cut short. Zeros
    // (space a crash left allocated but unwritten) are one too.
    if (rest.length < headerBytes || isZeros(rest)) return { records, validBytes: at, problem: 'torn' };
    const size = rest.readUInt32LE(0);
    if (headerBytes + size > rest.length) return { records, validBytes: at, problem: 'torn' };
    const body = rest.subarray(headerBytes, headerBytes + size);
    const record = crc32(body) === rest.readUInt32LE(4) ? decodeBody(body) : null;
    if (record === null) return { records, validBytes: at, problem: 'corrupt' };
    records.push(record);
    at += headerBytes + size;
  }
  return { records, validBytes: at, problem: null };
}

function isZeros(data: Buffer): boolean {
  for (const byte of data) if (byte !== 0) return false;
  return true;
}

/** The QoS in a publication's flags: QoS + 1 in bits 3 and 4, or 0 in a log from before (read as QoS 1). */
function qosOf(flags: number): Qos {
  const stored = (flags >> 3) & 3;
  return stored === 0 ? 1 : ((stored - 1) as Qos);
}

function decodeBody(body: Buffer): LogRecord | null {
  try {
    let at = 0;
    const kind = body[at++];
    const flags = kind === kinds.publication ? (body[at++] as number) : 0;
    const offset = body.readDoubleLE(at);
    at += 8;
    let ts = 0;
    let userId: number | undefined;
    if (kind === kinds.publication) {
      ts = body.readDoubleLE(at);
      at += 8;
      if ((flags & 2) !== 0) {
        userId = body.readDoubleLE(at);
        at += 8;
      }
    }
    const topicBytes = body.readUInt32LE(at);
    at += 4;
    if (at + topicBytes > body.length) return null;
    const topic = body.toString('utf8', at, at + topicBytes);
    at += topicBytes;
    if (kind === kinds.unretain || kind === kinds.clear) {
      return at === body.length ? { kind: kind === kinds.clear ? 'clear' : 'unretain', topic, offset } : null;
    }
    const epochBytes = body[at++] as number;
    if (at + epochBytes > body.length) return null;
    const epoch = body.toString('latin1', at, at + epochBytes);
    at += epochBytes;
    if (kind === kinds.stream) return at === body.length ? { kind: 'stream', topic, offset, epoch } : null;
    if (kind !== kinds.publication) return null;
    // Bytes are copied out: the file's buffer is not kept alive by one message.
    const message = (flags & 4) !== 0 ? Buffer.from(body.subarray(at)) : body.toString('utf8', at);
    return {
      kind: 'publication',
      topic,
      offset,
      ts,
      userId,
      retain: (flags & 1) !== 0,
      qos: qosOf(flags),
      epoch,
      message,
    };
  } catch {
    return null; // a read past the end: damaged
  }
}
