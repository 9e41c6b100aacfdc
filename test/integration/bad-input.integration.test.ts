import { connect } from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Device, nextEvent, rawRequest, startHub, type TestHub } from '../support/relay';

let hub: TestHub;
let witness: Device & { id: string };

beforeEach(async () => {
  hub = await startHub({ maxBodyBytes: 64 * 1024, maxPayloadBytes: 64 * 1024 });
  witness = await Device.join(hub, 99);
});

afterEach(async () => {
  // Whatever came before, the hub is healthy and still delivers to the device connected first.
  const health = await rawRequest(hub.port, 'GET', '/health');
  expect(health.status).toBe(200);
  const before = witness.messages.length;
  expect((await hub.relay.publish({ topic: 'cats', message: 'still alive' })).delivered).toBeGreaterThanOrEqual(1);
  await witness.waitForMessages(before + 1);
  expect(witness.messages.at(-1)).toBe('still alive');
  await hub.relay.stop();
});

const json = { 'content-type': 'application/json' };

describe('bad HTTP input', () => {
  it.each([
    ['POST', '/register', '{bad', json, 400, 'bad_json'],
    ['POST', '/register', '', json, 400, 'invalid_body'],
    ['POST', '/register', '[]', json, 400, 'invalid_body'],
    ['POST', '/register', 'null', json, 400, 'invalid_body'],
    ['POST', '/register', '{}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":-1}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":1.5}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":1e300}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":"1"}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":9007199254740993}', json, 400, 'invalid_user_id'],
    ['POST', '/register', '{"user_id":1}', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    ['POST', '/register', '\u0000\u0001\u0002', json, 400, 'bad_json'],
    ['POST', '/publish', '{"message":"x"}', json, 400, 'invalid_topic'],
    ['POST', '/publish', '{"topic":"cats"}', json, 400, 'invalid_message'],
    ['POST', '/publish', '{"topic":"cats","message":42}', json, 400, 'invalid_message'],
    ['POST', '/publish', '{"topic":["cats"],"message":"x"}', json, 400, 'invalid_topic'],
    ['POST', '/publish', '{"topic":"cats","message":"x","user_id":-2}', json, 400, 'invalid_user_id'],
    ['POST', '/publish', `{"topic":"${'t'.repeat(300)}","message":"x"}`, json, 400, 'invalid_topic'],
    ['POST', '/publish', '{"topic":"cats","message":"x"', json, 400, 'bad_json'],
    ['GET', '/nope', undefined, {}, 404, 'not_found'],
    ['GET', '/', undefined, {}, 404, 'not_found'],
    ['PUT', '/register', '{}', json, 405, 'method_not_allowed'],
    ['GET', '/register', undefined, {}, 405, 'method_not_allowed'],
    ['POST', '/health', '{}', json, 405, 'method_not_allowed'],
    ['GET', '/publish', undefined, {}, 405, 'method_not_allowed'],
    ['POST', '/register/abc', '{}', json, 405, 'method_not_allowed'],
  ] as const)('%s %s %j → %i %s', async (method, path, body, headers, status, code) => {
    const res = await rawRequest(hub.port, method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error: { code, message: expect.any(String) as string } });
    expect(res.headers['content-type']).toContain('application/json');
  });

  it('names the allowed methods on 405', async () => {
    const res = await rawRequest(hub.port, 'PUT', '/publish', '{}', json);
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  it('refuses a body declared over the limit with 413 without reading it', async () => {
    const res = await rawRequest(hub.port, 'POST', '/publish', Buffer.alloc(65 * 1024, 0x20), json);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('refuses a chunked body that grows over the limit with 413', async () => {
    const socket = connect(hub.port, '127.0.0.1');
    await once(socket, 'connect');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write(
      'POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = 'a'.repeat(16 * 1024);
    for (let i = 0; i < 8 && !socket.destroyed; i++) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    await once(socket, 'close');
    const answer = Buffer.concat(chunks).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"body_too_large"');
  });

  it('survives a garbage request line and a half-sent request', async () => {
    const garbage = connect(hub.port, '127.0.0.1');
    await once(garbage, 'connect');
    let answer = '';
    garbage.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    garbage.end('\u0016\u0003\u0001 not http at all\r\n\r\n');
    await once(garbage, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const half = connect(hub.port, '127.0.0.1');
    await once(half, 'connect');
    half.write('POST /register HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"user');
    half.destroy();
    expect((await rawRequest(hub.port, 'GET', '/health')).status).toBe(200);
  });

  it('refuses an upgrade on an unknown route with a JSON 404', async () => {
    await expect(Device.connect(`ws://127.0.0.1:${hub.port}/elsewhere`)).rejects.toThrow(/404/);
  });

  it('answers CONNECT with a JSON 405', async () => {
    const answer = await rawExchange(hub.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answer).toContain('"method_not_allowed"');
  });

  it('frees a refused upgrade whose client keeps sending frames (found by the fuzz test)', async () => {
    const socket = connect(hub.port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(
      `GET /ws/${'f'.repeat(32)} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    socket.write(Buffer.alloc(100, 0x81)); // frames sent before the answer came
    await once(socket, 'end');
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    socket.end();
    await once(socket, 'close');
    // The hub saw the close: nothing is left open, so stop() (in afterEach) returns at once.
  });

  it.each(['[::1]:99999', '[:::::]', 'host:123456', '[fe80::1%eth0]'])(
    'never hands out a device URL built from a bad Host header (%s)',
    async (host) => {
      const res = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 1}', { ...json, host });
      const url = (res.json as { url: string }).url;
      expect(() => new URL(url)).not.toThrow();
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\//);
    },
  );
});

/** Sends raw bytes on a fresh connection and resolves with everything received until it closes. */
async function rawExchange(port: number, bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.end(bytes);
  await once(socket, 'close');
  return answer;
}

describe('bad WebSocket input', () => {
  async function errorFrame(device: Device, send: () => void): Promise<unknown> {
    const count = device.messages.length;
    send();
    await device.waitForMessages(count + 1);
    return JSON.parse(device.messages[count] ?? 'null');
  }

  it.each([
    ['not json', 'bad_frame'],
    ['{"topics": "cats"}', 'invalid_topics'],
    ['{"topics": [1, 2]}', 'invalid_topics'],
    ['{"topics": [""]}', 'invalid_topics'],
    ['{"other": 1}', 'bad_frame'],
    ['[]', 'bad_frame'],
    [JSON.stringify({ topics: Array.from({ length: 65 }, (_, i) => `t${i}`) }), 'invalid_topics'],
  ])('answers %j with a %s error frame and stays connected', async (text, code) => {
    const device = await Device.join(hub, 1);
    expect(await errorFrame(device, () => device.send(text))).toMatchObject({ error: { code } });
    expect(hub.relay.snapshot().clients.find((c) => c.id === device.id)?.topics).toEqual(['cats']);
    await hub.relay.publish({ topic: 'cats', user_id: 1, message: 'after' });
    await device.waitForMessages(2);
    expect(device.messages[1]).toBe('after');
  });

  it('answers a binary frame that is not a binary publish with bad_frame', async () => {
    const device = await Device.join(hub, 1);
    const frame = await errorFrame(device, () => device.ws.send(Buffer.from([1, 2, 3]), { binary: true }));
    expect(frame).toMatchObject({ error: { code: 'bad_frame' } });
  });

  it('ignores ping and keeps the connection', async () => {
    const device = await Device.join(hub, 1);
    device.send('ping');
    device.send('ping\n');
    await device.setTopics(hub, ['after-ping']);
    // Anything the hub said to the pings would reach the device before this publish.
    expect((await hub.relay.publish({ topic: 'after-ping', message: 'first' })).delivered).toBe(1);
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['first']);
    expect(device.ws.readyState).toBe(device.ws.OPEN);
  });

  it('closes with 1009 on a frame over maxPayload', async () => {
    const device = await Device.join(hub, 1);
    const disconnected = nextEvent(hub.relay, 'disconnected', (e) => e.id === device.id);
    device.send('x'.repeat(65 * 1024));
    expect(await device.closed()).toBe(1009);
    expect((await disconnected).reason).toBe('error');
  });

  it('closes with 1007 on a text frame that is not UTF-8', async () => {
    const device = await Device.join(hub, 1);
    device.ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await device.closed()).toBe(1007);
  });

  it('handles a flood of small frames from one client', async () => {
    const device = await Device.join(hub, 1);
    for (let i = 0; i < 5_000; i++) device.send(i % 2 === 0 ? 'ping' : '{"topics":["cats","flood"]}');
    await device.setTopics(hub, ['final']);
    expect(hub.relay.snapshot().clients.find((c) => c.id === device.id)?.topics).toEqual(['final']);
  });
});
