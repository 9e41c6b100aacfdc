/**
 * Binary messages end to end on real sockets: published as bytes over HTTP (octet-stream) and over
 * a device's socket, delivered byte-exact as binary frames to raw devices, as binary envelopes to
 * envelope devices and the SDK, kept as bytes in the history (memory and disk) and as retained
 * messages; text keeps arriving as text.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type DeviceMessage, type RelayClient } from '../../client/index';
import type { HistoryResponse, PublishReceipt } from '../../shared/api';
import { decodeBinaryFrame, encodeBinaryFrame } from '../../shared/protocol';
import type { RelayOptions } from '../../electron/relay/index';
import { Device, postJson, rawRequest, register, startHub, type RawResponse, type TestHub } from '../support/relay';
import { sdkOptions, waitForState } from '../support/sdk';

const hubs: TestHub[] = [];
const clients: RelayClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const hub of hubs.splice(0)) await hub.relay.stop();
});

async function hubWith(options: Partial<RelayOptions> = {}): Promise<TestHub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}

/** `POST /publish?…` with the bytes as an octet-stream body. */
function publishBytes(
  hub: TestHub,
  query: string,
  bytes: Buffer,
  contentType = 'application/octet-stream',
): Promise<RawResponse> {
  return rawRequest(hub.port, 'POST', `/publish?${query}`, bytes, { 'content-type': contentType });
}

async function envelopeDevice(hub: TestHub, userId: number): Promise<Device> {
  const { url } = await register(hub.port, userId);
  return Device.connect(`${url}?format=envelope`);
}

const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('binary messages over HTTP', () => {
  it('reach raw devices as binary frames and envelope devices as binary envelopes, byte-exact', async () => {
    const hub = await hubWith();
    const raw = await Device.join(hub, 1);
    const wrapped = await envelopeDevice(hub, 2);
    const big = randomBytes(1024 * 1024);
    const payloads = [everyByte, Buffer.alloc(0), big];
    for (const payload of payloads) {
      const res = await publishBytes(hub, 'topic=cats', payload);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({ delivered: 2 });
    }
    await Promise.all([raw.waitForFrames(3), wrapped.waitForFrames(3)]);
    expect(raw.frames.map((f) => f.binary)).toEqual([true, true, true]);
    raw.frames.forEach((frame, i) => expect(frame.data.equals(payloads[i] as Buffer)).toBe(true));
    wrapped.frames.forEach((frame, i) => {
      expect(frame.binary).toBe(true);
      const decoded = decodeBinaryFrame(frame.data);
      expect(decoded?.header).toEqual({
        topic: 'cats',
        ts: expect.any(Number) as number,
        offset: i + 1,
        epoch: expect.any(String) as string,
      });
      expect(Buffer.from(decoded?.payload ?? []).equals(payloads[i] as Buffer)).toBe(true);
    });
  });

  it('leaves text as text on the same topic, in order with the bytes', async () => {
    const hub = await hubWith();
    const raw = await Device.join(hub, 1);
    await publishBytes(hub, 'topic=cats', everyByte);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'text after bytes' });
    await raw.waitForFrames(2);
    expect(raw.frames.map((f) => f.binary)).toEqual([true, false]);
    expect(raw.messages).toEqual(['text after bytes']);
  });

  it('takes user_id and retain from the query, with the same checks and limits as JSON', async () => {
    const hub = await hubWith({ maxMessageBytes: 16, maxBodyBytes: 64 });
    const seven = await Device.join(hub, 7);
    const other = await Device.join(hub, 8);
    expect((await publishBytes(hub, 'topic=cats&user_id=7', Buffer.from([1, 2, 3]))).json).toMatchObject({
      delivered: 1,
    });
    await seven.waitForFrames(1);
    expect(other.frames).toEqual([]);
    const refused: [string, Buffer, number, string][] = [
      ['user_id=7', everyByte.subarray(0, 4), 400, 'invalid_topic'],
      ['topic=', everyByte.subarray(0, 4), 400, 'invalid_topic'],
      ['topic=cats&user_id=-3', everyByte.subarray(0, 4), 400, 'invalid_user_id'],
      ['topic=cats&retain=yes', everyByte.subarray(0, 4), 400, 'invalid_query'],
      ['topic=cats', everyByte.subarray(0, 17), 413, 'message_too_large'],
      ['topic=cats', everyByte.subarray(0, 65), 413, 'body_too_large'],
    ];
    for (const [query, body, status, code] of refused) {
      const res = await publishBytes(hub, query, body);
      expect([res.status, (res.json as { error: { code: string } }).error.code], query).toEqual([status, code]);
    }
    const wrongType = await publishBytes(hub, 'topic=cats', everyByte.subarray(0, 4), 'image/png');
    expect(wrongType.status).toBe(415);
    expect(hub.relay.stats().published).toBe(1);
  });
});

describe('binary messages from devices', () => {
  it('are published over the socket with an id (ack), delivered as bytes, not echoed unless asked', async () => {
    const hub = await hubWith();
    const sender = await envelopeDevice(hub, 1);
    const raw = await Device.join(hub, 2);
    sender.ws.send(encodeBinaryFrame({ publish: { topic: 'cats' }, id: 9 }, everyByte));
    await Promise.all([sender.waitForFrames(1), raw.waitForFrames(1)]);
    expect(sender.messages).toEqual(['{"ack":9,"delivered":1}']);
    expect(raw.frames[0]?.data.equals(everyByte)).toBe(true);
    sender.ws.send(encodeBinaryFrame({ publish: { topic: 'cats' }, id: 'e', echo: true }, Buffer.from('bytes')));
    await sender.waitForFrames(3);
    expect(Buffer.from(decodeBinaryFrame(sender.frames[1]?.data ?? Buffer.alloc(0))?.payload ?? []).toString()).toBe(
      'bytes',
    );
    expect(sender.messages.at(-1)).toBe('{"ack":"e","delivered":2}');
  });

  it('answers a malformed or oversized binary frame with an error frame carrying its id, and stays open', async () => {
    const hub = await hubWith({ maxMessageBytes: 8 });
    const device = await envelopeDevice(hub, 1);
    device.ws.send(Buffer.from([0, 0, 0, 200, 1, 2])); // a header longer than the frame
    device.ws.send(encodeBinaryFrame({ topics: ['x'] }, everyByte)); // a header that is no publish
    device.ws.send(encodeBinaryFrame({ publish: { topic: '' }, id: 1 }, everyByte));
    device.ws.send(encodeBinaryFrame({ publish: { topic: 'cats' }, id: 2 }, everyByte));
    await device.waitForMessages(4);
    expect(device.messages.map((m) => JSON.parse(m) as { error: { code: string }; id?: number })).toEqual([
      { error: { code: 'bad_frame', message: expect.any(String) as string } },
      { error: { code: 'bad_frame', message: expect.any(String) as string } },
      { error: { code: 'invalid_topic', message: expect.any(String) as string }, id: 1 },
      { error: { code: 'message_too_large', message: expect.any(String) as string }, id: 2 },
    ]);
    expect(device.ws.readyState).toBe(device.ws.OPEN);
  });
});

describe('the SDK and bytes', () => {
  it('gives bytes back as a Uint8Array and publishes Uint8Array and ArrayBuffer', async () => {
    const hub = await hubWith();
    const device = connect({ ...sdkOptions(hub.port), topics: ['cats'] });
    clients.push(device);
    await waitForState(device, 'open');
    const received: DeviceMessage[] = [];
    device.on('message', (message) => received.push(message));
    const big = randomBytes(1024 * 1024);
    await publishBytes(hub, 'topic=cats', everyByte);
    await publishBytes(hub, 'topic=cats', Buffer.alloc(0));
    await publishBytes(hub, 'topic=cats', big);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'text' });
    await new Promise<void>((resolve) => {
      const check = (): void => (received.length >= 4 ? resolve() : void setTimeout(check, 10));
      check();
    });
    expect(received.map((m) => typeof m.message)).toEqual(['object', 'object', 'object', 'string']);
    expect(received[0]?.message).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(received[0]?.message as Uint8Array).equals(everyByte)).toBe(true);
    expect((received[1]?.message as Uint8Array).length).toBe(0);
    expect(Buffer.from(received[2]?.message as Uint8Array).equals(big)).toBe(true);
    const raw = await Device.join(hub, 5);
    expect(await device.publish('cats', new Uint8Array([1, 2, 255]))).toMatchObject({ delivered: 1 });
    expect(await device.publish('cats', new Uint8Array([9]).buffer)).toMatchObject({ delivered: 1 });
    await raw.waitForFrames(2);
    expect(raw.frames.map((f) => [...f.data])).toEqual([[1, 2, 255], [9]]);
  });
});

describe('binary messages in the history', () => {
  it('are kept as bytes, retained for raw devices, shown in base64 by GET /history, and survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-binary-'));
    const hub = await hubWith({ dataDir });
    await publishBytes(hub, 'topic=cam&retain=true', everyByte);
    await postJson(hub.port, '/publish', { topic: 'cam', message: 'caption' });
    const raw = await Device.join(hub, 1);
    raw.send(JSON.stringify({ topics: ['cam'] }));
    await raw.waitForFrames(1);
    expect(raw.frames[0]?.binary).toBe(true);
    expect(raw.frames[0]?.data.equals(everyByte)).toBe(true);
    const history = (await rawRequest(hub.port, 'GET', '/history/cam')).json as HistoryResponse;
    expect(history.messages).toEqual([
      {
        offset: 1,
        ts: expect.any(Number) as number,
        message: everyByte.toString('base64'),
        encoding: 'base64',
        retain: true,
      },
      { offset: 2, ts: expect.any(Number) as number, message: 'caption' },
    ]);
    await hub.relay.stop();
    hubs.splice(hubs.indexOf(hub), 1);
    const again = await hubWith({ dataDir });
    expect((await rawRequest(again.port, 'GET', '/history/cam')).json).toEqual(history);
    const device = await envelopeDevice(again, 2);
    device.send(JSON.stringify({ topics: ['cam'], since: { cam: { offset: 0, epoch: history.epoch } } }));
    await device.waitForFrames(3);
    expect(device.frames.map((f) => f.binary)).toEqual([true, false, false]);
    expect(
      Buffer.from(decodeBinaryFrame(device.frames[0]?.data ?? Buffer.alloc(0))?.payload ?? []).equals(everyByte),
    ).toBe(true);
    const receipt = (await postJson(again.port, '/publish', { topic: 'cam', message: 'next' })).json as PublishReceipt;
    expect(receipt.offset).toBe(3);
  });
});
