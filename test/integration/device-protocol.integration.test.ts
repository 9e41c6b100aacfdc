/**
 * The device protocol's additions, on real sockets: envelopes (opt-in per connection), publishing
 * over the socket with acks and error frames, the per-socket publish rate, the switch that forbids
 * it, and the application ping. A tutorial device (raw, no new frames) sees no change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayEvent } from '../../shared/hub';
import { Device, nextEvent, postJson, register, startHub, type TestHub } from '../support/relay';
import type { RelayOptions } from '../../electron/relay/index';

let hub: TestHub;
let extra: TestHub | null = null;
beforeEach(async () => {
  hub = await startHub();
});
afterEach(async () => {
  await hub.relay.stop();
  await extra?.relay.stop();
  extra = null;
});

/** Registers `userId` and connects with `?format=envelope`. */
async function envelopeDevice(on: TestHub, userId: number): Promise<Device & { id: string }> {
  const { url, id } = await register(on.port, userId);
  return Object.assign(await Device.connect(`${url}?format=envelope`), { id });
}

/** An envelope's time and place in its stream, whatever they are. */
const anyPosition = {
  ts: expect.any(Number) as number,
  offset: expect.any(Number) as number,
  epoch: expect.any(String) as string,
};

/** The frames a device got, parsed. */
const frames = (device: Device): unknown[] => device.messages.map((text) => JSON.parse(text) as unknown);

/** Sends a frame and waits until the device has `count` messages in total. */
async function sendAndWait(device: Device, frame: unknown, count: number): Promise<void> {
  device.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  await device.waitForMessages(count);
}

describe('envelopes', () => {
  it('are opt-in with ?format=envelope: topic, message and time, user_id only for a targeted publish', async () => {
    const tutorial = await Device.join(hub, 1);
    const device = await envelopeDevice(hub, 1);
    const before = Date.now();
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'hello' });
    await postJson(hub.port, '/publish', { topic: 'cats', user_id: 1, message: '{"n":1}' });
    await Promise.all([tutorial.waitForMessages(2), device.waitForMessages(2)]);
    expect(tutorial.messages).toEqual(['hello', '{"n":1}']);
    const [first, second] = frames(device) as { ts: number; epoch: string }[];
    expect(first).toEqual({
      topic: 'cats',
      message: 'hello',
      ts: expect.any(Number) as number,
      offset: 1,
      epoch: expect.any(String) as string,
    });
    expect(second).toEqual({
      topic: 'cats',
      message: '{"n":1}',
      user_id: 1,
      ts: expect.any(Number) as number,
      offset: 2,
      epoch: first?.epoch,
    });
    expect(first?.ts).toBeGreaterThanOrEqual(before);
    expect(first?.ts).toBeLessThanOrEqual(Date.now());
  });

  it('can be switched on and off by "format" in a topics frame', async () => {
    const device = await Device.join(hub, 2);
    await device.setTopics(hub, ['dogs']);
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'raw one' });
    await device.waitForMessages(1);
    device.send(JSON.stringify({ topics: ['dogs'], format: 'envelope' }));
    await nextEvent(hub.relay, 'topics');
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'wrapped' });
    await device.waitForMessages(2);
    device.send(JSON.stringify({ topics: ['dogs'], format: 'raw' }));
    await nextEvent(hub.relay, 'topics');
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'raw again' });
    await device.waitForMessages(3);
    expect(device.messages[0]).toBe('raw one');
    expect(JSON.parse(device.messages[1] ?? '')).toMatchObject({ topic: 'dogs', message: 'wrapped' });
    expect(device.messages[2]).toBe('raw again');
  });

  it('refuses an unknown format with bad_frame and keeps the topics as they were', async () => {
    const device = await Device.join(hub, 3);
    await sendAndWait(device, { topics: ['x'], format: 'xml' }, 1);
    expect(frames(device)).toEqual([{ error: { code: 'bad_frame', message: expect.any(String) as string } }]);
    expect(hub.relay.snapshot().clients[0]?.topics).toEqual(['cats']);
  });
});

describe('waiting for the first topics frame (?wait=subscribe)', () => {
  /** Registers `userId` and connects in envelope mode, holding deliveries until its first topics frame. */
  async function waitingDevice(on: TestHub, userId: number): Promise<Device> {
    const { url } = await register(on.port, userId);
    const attached = nextEvent(on.relay, 'connected');
    const device = await Device.connect(`${url}?format=envelope&wait=subscribe`);
    await attached;
    return device;
  }

  it('holds what is published before the topics frame, then delivers it in order, then live', async () => {
    const device = await waitingDevice(hub, 5);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'a' });
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(device.messages).toEqual([]);
    device.send(JSON.stringify({ topics: ['cats'] }));
    await device.waitForMessages(2);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'c' });
    await device.waitForMessages(3);
    expect(frames(device).map((frame) => (frame as { message: string }).message)).toEqual(['a', 'b', 'c']);
  });

  it('drops what it held for a topic the first frame leaves out', async () => {
    const device = await waitingDevice(hub, 6);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'held, then dropped' });
    await device.setTopics(hub, ['dogs']);
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'live' });
    await device.waitForMessages(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(frames(device)).toEqual([{ topic: 'dogs', message: 'live', ...anyPosition }]);
  });

  it('closes a device that keeps the hub waiting past its backlog limit as a slow consumer (4002)', async () => {
    extra = await startHub({ maxBufferedBytes: 1_000 });
    const device = await waitingDevice(extra, 7);
    await postJson(extra.port, '/publish', { topic: 'cats', message: 'x'.repeat(400) });
    await postJson(extra.port, '/publish', { topic: 'cats', message: 'y'.repeat(400) });
    expect(device.closeCode).toBeNull();
    await postJson(extra.port, '/publish', { topic: 'cats', message: 'z'.repeat(400) });
    expect(await device.closed()).toBe(4002);
  });
  it('with the drop policy, drops (and counts) what it cannot hold, keeps the socket, and delivers the rest', async () => {
    extra = await startHub({ maxBufferedBytes: 1_000, slowConsumerPolicy: 'drop' });
    const device = await waitingDevice(extra, 9);
    const delivered: unknown[] = [];
    for (const fill of ['x', 'y', 'z']) {
      const res = await postJson(extra.port, '/publish', { topic: 'cats', message: fill.repeat(400) });
      delivered.push((res.json as { delivered: number }).delivered);
    }
    // Held counts as delivered; the one past the limit does not.
    expect(delivered).toEqual([1, 1, 0]);
    expect(extra.relay.snapshot().clients[0]?.dropped).toBe(1);
    device.send(JSON.stringify({ topics: ['cats'] }));
    await device.waitForMessages(2);
    await postJson(extra.port, '/publish', { topic: 'cats', message: 'live' });
    await device.waitForMessages(3);
    expect(frames(device).map((frame) => (frame as { message: string }).message)).toEqual([
      'x'.repeat(400),
      'y'.repeat(400),
      'live',
    ]);
    expect(device.closeCode).toBeNull();
  });
});

describe('recovery needs envelopes', () => {
  it('refuses "since" on a raw connection with bad_frame and keeps its topics', async () => {
    const device = await Device.join(hub, 8);
    await sendAndWait(device, { topics: ['dogs'], since: { dogs: { offset: 0, epoch: 'e' } } }, 1);
    expect(frames(device)).toEqual([
      { error: { code: 'bad_frame', message: expect.stringContaining('envelope') as string } },
    ]);
    expect(hub.relay.snapshot().clients[0]?.topics).toEqual(['cats']);
  });
});

describe('publishing over the socket', () => {
  it('delivers like POST /publish, acknowledges with the delivered count, and skips the sender', async () => {
    const sender = await envelopeDevice(hub, 1);
    const raw = await Device.join(hub, 2);
    const wrapped = await envelopeDevice(hub, 3);
    const published = nextEvent(hub.relay, 'published');
    await sendAndWait(sender, { publish: { topic: 'cats', message: 'from a device' }, id: 7 }, 1);
    expect(frames(sender)).toEqual([{ ack: 7, delivered: 2 }]);
    await Promise.all([raw.waitForMessages(1), wrapped.waitForMessages(1)]);
    expect(raw.messages).toEqual(['from a device']);
    expect(frames(wrapped)).toEqual([{ topic: 'cats', message: 'from a device', ...anyPosition }]);
    const event = await published;
    expect(event).toMatchObject({ origin: 'device', clientId: sender.id, receipt: { delivered: 2 } });
    expect(hub.relay.snapshot().clients.find((c) => c.id === sender.id)?.published).toBe(1);
  });

  it('echoes the message back to the sender when it asks, counting it', async () => {
    const sender = await envelopeDevice(hub, 1);
    await sendAndWait(sender, { publish: { topic: 'cats', message: 'me too' }, id: 'e', echo: true }, 2);
    // The echo is queued before the answer to the frame that caused it.
    expect(frames(sender)).toEqual([
      { topic: 'cats', message: 'me too', ...anyPosition },
      { ack: 'e', delivered: 1 },
    ]);
  });

  it('without an id sends no ack; with user_id reaches only that user', async () => {
    const sender = await Device.join(hub, 1);
    const seven = await Device.join(hub, 7);
    const other = await Device.join(hub, 8);
    sender.send(JSON.stringify({ publish: { topic: 'cats', message: 'for 7', user_id: 7 } }));
    sender.send(JSON.stringify({ publish: { topic: 'cats', message: 'for all' } }));
    await Promise.all([seven.waitForMessages(2), other.waitForMessages(1)]);
    expect(seven.messages).toEqual(['for 7', 'for all']);
    expect(other.messages).toEqual(['for all']);
    // A ping after the publishes comes back first: nothing was sent to the sender before it.
    await sendAndWait(sender, { ping: 1 }, 1);
    expect(frames(sender)).toEqual([{ pong: 1 }]);
  });

  it('keeps the order of a burst of publishes from one device, and acks them in order', async () => {
    const sender = await envelopeDevice(hub, 1);
    const reader = await Device.join(hub, 2);
    for (let i = 0; i < 200; i++) sender.send(JSON.stringify({ publish: { topic: 'cats', message: `m${i}` }, id: i }));
    await Promise.all([reader.waitForMessages(200), sender.waitForMessages(200)]);
    expect(reader.messages).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    expect(frames(sender)).toEqual(Array.from({ length: 200 }, (_, i) => ({ ack: i, delivered: 1 })));
  });

  it('answers a bad publish with the same codes as the HTTP route, carrying the id, and stays open', async () => {
    extra = await startHub({ maxMessageBytes: 8 });
    const device = await envelopeDevice(extra, 1);
    const cases: [unknown, string][] = [
      [{ publish: { topic: '', message: 'x' }, id: 1 }, 'invalid_topic'],
      [{ publish: { topic: 'cats', message: 3 }, id: 2 }, 'invalid_message'],
      [{ publish: { topic: 'cats', message: 'x', user_id: 1.5 }, id: 3 }, 'invalid_user_id'],
      [{ publish: 'cats', id: 4 }, 'invalid_body'],
      [{ publish: { topic: 'cats', message: 'nine char' }, id: 5 }, 'message_too_large'],
    ];
    for (const [i, [frame]] of cases.entries()) await sendAndWait(device, frame, i + 1);
    expect(frames(device)).toEqual(
      cases.map(([, code], i) => ({ error: { code, message: expect.any(String) as string }, id: i + 1 })),
    );
    await sendAndWait(device, { publish: { topic: 'cats', message: 'ok' }, id: 6 }, cases.length + 1);
    expect(frames(device).at(-1)).toEqual({ ack: 6, delivered: 0 });
    expect(extra.relay.stats().published).toBe(1);
  });
});

describe('the per-socket publish rate', () => {
  it('answers rate_limited over the burst, keeps the socket, and lets it publish again once refilled', async () => {
    extra = await startHub({ devicePublishRatePerSec: 20, devicePublishBurst: 2 });
    const device = await envelopeDevice(extra, 1);
    for (let id = 1; id <= 3; id++) device.send(JSON.stringify({ publish: { topic: 'cats', message: 'x' }, id }));
    await device.waitForMessages(3);
    expect(frames(device)).toEqual([
      { ack: 1, delivered: 0 },
      { ack: 2, delivered: 0 },
      { error: { code: 'rate_limited', message: expect.stringMatching(/20 publishes per second/) as string }, id: 3 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 120)); // 20/s: a token is back after 50 ms
    await sendAndWait(device, { publish: { topic: 'cats', message: 'x' }, id: 4 }, 4);
    expect(frames(device).at(-1)).toEqual({ ack: 4, delivered: 0 });
    expect(device.ws.readyState).toBe(device.ws.OPEN);
  });

  it('is per socket: another device still publishes', async () => {
    extra = await startHub({ devicePublishRatePerSec: 1, devicePublishBurst: 1 });
    const a = await envelopeDevice(extra, 1);
    const b = await envelopeDevice(extra, 2);
    for (let id = 1; id <= 2; id++) a.send(JSON.stringify({ publish: { topic: 'z', message: 'x' }, id }));
    await a.waitForMessages(2);
    await sendAndWait(b, { publish: { topic: 'z', message: 'x' }, id: 9 }, 1);
    expect(frames(a).map((f) => Object.keys(f as object)[0])).toEqual(['ack', 'error']);
    expect(frames(b)).toEqual([{ ack: 9, delivered: 0 }]);
  });
});

describe('devicePublish deny', () => {
  it('refuses socket publishes with forbidden (carrying the id) and delivers nothing; HTTP still publishes', async () => {
    const options: Partial<RelayOptions> = { devicePublish: 'deny' };
    extra = await startHub(options);
    const device = await envelopeDevice(extra, 1);
    const reader = await Device.join(extra, 2);
    await sendAndWait(device, { publish: { topic: 'cats', message: 'no' }, id: 'x' }, 1);
    expect(frames(device)).toEqual([{ error: { code: 'forbidden', message: expect.any(String) as string }, id: 'x' }]);
    await postJson(extra.port, '/publish', { topic: 'cats', message: 'yes' });
    await reader.waitForMessages(1);
    expect(reader.messages).toEqual(['yes']);
  });
});

describe('application ping', () => {
  it('answers {"ping": x} with {"pong": x} in raw and envelope mode; bare ping stays silent', async () => {
    const raw = await Device.join(hub, 1);
    const wrapped = await envelopeDevice(hub, 2);
    raw.send('ping');
    await sendAndWait(raw, { ping: { seq: 1 } }, 1);
    await sendAndWait(wrapped, { ping: 'a' }, 1);
    expect(frames(raw)).toEqual([{ pong: { seq: 1 } }]);
    expect(frames(wrapped)).toEqual([{ pong: 'a' }]);
  });
});

describe('the GUI feed', () => {
  it('tells device publishes apart from HTTP and GUI ones', async () => {
    const device = await envelopeDevice(hub, 4);
    const events: RelayEvent[] = [];
    hub.relay.on((event) => events.push(event));
    await sendAndWait(device, { publish: { topic: 'cats', message: 'a' }, id: 1 }, 1);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'b' });
    await hub.relay.publish({ topic: 'cats', message: 'c' });
    const origins = events.flatMap((e) => (e.type === 'published' ? [[e.origin, e.clientId]] : []));
    expect(origins).toEqual([
      ['device', device.id],
      ['http', null],
      ['gui', null],
    ]);
  });
});
