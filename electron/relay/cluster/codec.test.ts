import { describe, expect, it } from 'vitest';
import { decodeWire, encodeHead } from './codec';

/** The body the publish script builds: `<offset> <epoch> <head length>\n<head><message>`. */
function body(offset: number, epoch: string, head: string, message: string | Buffer): Buffer {
  const bytes = typeof message === 'string' ? Buffer.from(message) : message;
  return Buffer.concat([Buffer.from(`${offset} ${epoch} ${Buffer.byteLength(head)}\n${head}`), bytes]);
}

describe('the wire format of a publication', () => {
  it('reads back what the hub wrote and Redis placed, text and bytes, with or without a user', () => {
    const text = encodeHead('news', 'héllo', 7, 1_000, true, 'hubA', 42);
    expect(decodeWire(body(12, 'E1', text, 'héllo'))).toEqual({
      offset: 12,
      epoch: 'E1',
      topic: 'news',
      ts: 1_000,
      userId: 7,
      retain: true,
      message: 'héllo',
      qos: 0,
      hub: 'hubA',
      seq: 42,
    });
    const bytes = Buffer.from([0, 0x0a, 0xff, 0x20]);
    const binary = encodeHead('raw', bytes, undefined, 5, false, 'hubB', 1);
    const wire = decodeWire(Buffer.concat([Buffer.from('p'), body(1, 'E2', binary, bytes)]), 1);
    expect(wire).toMatchObject({ offset: 1, epoch: 'E2', topic: 'raw', userId: undefined, retain: false, hub: 'hubB' });
    expect(wire?.message).toEqual(bytes);
  });

  it('carries the MQTT QoS it was published with, and reads 0 from an older hub’s head or a bad value', () => {
    for (const qos of [0, 1, 2] as const) {
      const head = encodeHead('q', 'm', undefined, 1, false, 'h', 1, qos);
      expect(decodeWire(body(1, 'E', head, 'm'))?.qos).toBe(qos);
    }
    // What a hub without the field wrote (no `q`): QoS 0.
    const older = JSON.stringify({ t: 'q', ts: 1, h: 'old', s: 1 });
    expect(decodeWire(body(1, 'E', older, 'm'))).toMatchObject({ topic: 'q', qos: 0, hub: 'old' });
    for (const q of [3, -1, '1', 1.5, null]) {
      const odd = JSON.stringify({ t: 'q', ts: 1, h: 'h', s: 1, q });
      expect(decodeWire(body(1, 'E', odd, 'm'))?.qos).toBe(0);
    }
    // QoS 0 adds nothing to the head: what older hubs read stays as it was.
    expect(JSON.parse(encodeHead('q', 'm', undefined, 1, false, 'h', 1, 0))).toEqual({ t: 'q', ts: 1, h: 'h', s: 1 });
  });

  it('refuses what is not a publication rather than guessing', () => {
    const head = encodeHead('t', 'm', undefined, 1, false, 'h', 1);
    const good = body(3, 'E', head, 'm').toString();
    for (const bad of [
      '',
      'no newline at all',
      good.replace(/^3 /, '0 '),
      good.replace(/^3 /, 'x '),
      good.replace(/^3 E /, '3  '),
      good.replace(/ \d+\n/, ' 999\n'),
      good.replace(/ \d+\n/, ' 1\n'),
      good.replace('"t":"t"', '"t":1'),
      good.replace('{', '['),
    ]) {
      expect(decodeWire(Buffer.from(bad))).toBeNull();
    }
  });
});
