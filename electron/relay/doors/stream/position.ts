/**
 * A stream's position in every topic it listens to, as one opaque id: the SSE `id:` of each event
 * (sent back by the browser as `Last-Event-ID`) and the `since=` of a resumed stream. It is the
 * base64url of `{"<topic>": ["<epoch>", <offset>], ...}`; `["", 0]` is a topic with nothing yet.
 */
import type { StreamPosition } from '../../../../shared/api';

/** The longest id accepted back (a header's worth). */
export const maxPositionIdLength = 16 * 1024;

/** Encodes positions (null: nothing of that topic yet) as an id. */
export function encodePositions(positions: ReadonlyMap<string, StreamPosition | null>): string {
  const object: Record<string, [string, number]> = {};
  for (const [topic, position] of positions)
    object[topic] = position === null ? ['', 0] : [position.epoch, position.offset];
  return Buffer.from(JSON.stringify(object)).toString('base64url');
}

/** Decodes an id, or null when it is not one. */
export function decodePositions(id: string): Map<string, StreamPosition | null> | null {
  if (id.length === 0 || id.length > maxPositionIdLength || !/^[\w-]+$/.test(id)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const positions = new Map<string, StreamPosition | null>();
  for (const [topic, value] of Object.entries(parsed)) {
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [epoch, offset] = value as unknown[];
    if (typeof epoch !== 'string' || epoch.length > 64) return null;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return null;
    positions.set(topic, epoch === '' ? null : { epoch, offset });
  }
  return positions;
}
