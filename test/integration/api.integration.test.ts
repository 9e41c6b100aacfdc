import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/api';
import { Device, nextEvent, postJson, rawRequest, register, startHub, type TestHub } from '../support/relay';

let hub: TestHub;
beforeEach(async () => {
  hub = await startHub();
});
afterEach(async () => {
  await hub.relay.stop();
});

describe('GET /health', () => {
  it('answers 200 with status and counts', async () => {
    await Device.join(hub, 1);
    const res = await rawRequest(hub.port, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', registered: 1, connected: 1 });
  });
});

describe('POST /register', () => {
  it('answers a ws URL built from the Host the request arrived on, and a 32-hex id', async () => {
    const res = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 1}', {
      'content-type': 'application/json',
      host: `192.168.1.20:${hub.port}`,
    });
    expect(res.status).toBe(200);
    const body = res.json as { url: string; id: string };
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.url).toBe(`ws://192.168.1.20:${hub.port}/ws/${body.id}`);
  });

  it('uses the configured public URL when there is one', async () => {
    const custom = await startHub({ publicUrl: 'https://hub.example.lan:9443/' });
    try {
      const { url, id } = await register(custom.port, 3);
      expect(url).toBe(`wss://hub.example.lan:9443/ws/${id}`);
    } finally {
      await custom.relay.stop();
    }
  });

  it('lets one user register many clients with distinct ids', async () => {
    const a = await register(hub.port, 5);
    const b = await register(hub.port, 5);
    expect(a.id).not.toBe(b.id);
    expect(hub.relay.snapshot().users).toEqual([{ userId: 5, clientIds: [a.id, b.id] }]);
  });

  it('subscribes new registrations to cats', async () => {
    const { id } = await register(hub.port, 1);
    expect(hub.relay.snapshot().clients.find((c) => c.id === id)?.topics).toEqual(['cats']);
  });
});

describe('publish', () => {
  it('delivers the exact text to every connected subscriber and counts them in the receipt', async () => {
    const a = await Device.join(hub, 1);
    const b = await Device.join(hub, 2);
    const text = 'héllo 🐈 {"not": "parsed"}';
    const res = await postJson(hub.port, '/publish', { topic: 'cats', message: text });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ delivered: 2 });
    await Promise.all([a.waitForMessages(1), b.waitForMessages(1)]);
    expect(a.messages).toEqual([text]);
    expect(b.messages).toEqual([text]);
  });

  it('reaches both clients of a user with user_id, and not a third user', async () => {
    const phone = await Device.join(hub, 7);
    const laptop = await Device.join(hub, 7);
    const other = await Device.join(hub, 8);
    const res = await postJson(hub.port, '/publish', { topic: 'cats', user_id: 7, message: 'for 7' });
    expect(res.json).toMatchObject({ delivered: 2 });
    // A broadcast after it proves the other user's socket was live and in order.
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'for all' });
    await Promise.all([phone.waitForMessages(2), laptop.waitForMessages(2), other.waitForMessages(1)]);
    expect(phone.messages).toEqual(['for 7', 'for all']);
    expect(laptop.messages).toEqual(['for 7', 'for all']);
    expect(other.messages).toEqual(['for all']);
  });

  it('applies a topic change: the client gets its new topics and no longer cats', async () => {
    const device = await Device.join(hub, 1);
    await device.setTopics(hub, ['dogs', 'birds']);
    expect((await postJson(hub.port, '/publish', { topic: 'cats', message: 'meow' })).json).toMatchObject({
      delivered: 0,
    });
    expect((await postJson(hub.port, '/publish', { topic: 'birds', message: 'tweet' })).json).toMatchObject({
      delivered: 1,
    });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['tweet']);
    expect(hub.relay.snapshot().clients[0]?.topics).toEqual(['dogs', 'birds']);
  });

  it('delivers 200 sequential publishes in order', async () => {
    const device = await Device.join(hub, 1);
    const sent = Array.from({ length: 200 }, (_, i) => `message ${i}`);
    for (const message of sent) await postJson(hub.port, '/publish', { topic: 'cats', message });
    await device.waitForMessages(200);
    expect(device.messages).toEqual(sent);
  });

  it('keeps order for publishes issued in one turn (corked batch)', async () => {
    const device = await Device.join(hub, 1);
    const sent = Array.from({ length: 500 }, (_, i) => `m${i}`);
    for (const message of sent) await hub.relay.publish({ topic: 'cats', message });
    await device.waitForMessages(500);
    expect(device.messages).toEqual(sent);
  });

  it('carries messages of every frame length class (7-bit, 16-bit, 64-bit lengths)', async () => {
    const device = await Device.join(hub, 1);
    const sizes = [0, 125, 126, 65_535, 65_536, 300_000];
    for (const size of sizes) await hub.relay.publish({ topic: 'cats', message: 'x'.repeat(size) });
    await device.waitForMessages(sizes.length);
    expect(device.messages.map((m) => m.length)).toEqual(sizes);
  });

  it('answers delivered 0 for registered but unconnected clients', async () => {
    await register(hub.port, 1);
    expect((await postJson(hub.port, '/publish', { topic: 'cats', message: 'x' })).json).toMatchObject({
      delivered: 0,
    });
  });
});

describe('DELETE /register/<id>', () => {
  it('closes the live socket with 4000 "unregistered", and a reconnect gets 404', async () => {
    const device = await Device.join(hub, 1);
    const res = await rawRequest(hub.port, 'DELETE', `/register/${device.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ removed: true, id: device.id });
    expect(await device.closed()).toBe(CloseCode.unregistered);
    const again = await rawRequest(hub.port, 'GET', `/ws/${device.id}`, undefined, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ error: { code: 'unknown_client' } });
  });

  it('answers 200 with removed false for an unknown id', async () => {
    const res = await rawRequest(hub.port, 'DELETE', '/register/0123456789abcdef0123456789abcdef');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ removed: false });
  });

  it('leaves other clients working', async () => {
    const gone = await Device.join(hub, 1);
    const stays = await Device.join(hub, 2);
    await rawRequest(hub.port, 'DELETE', `/register/${gone.id}`);
    await gone.closed();
    expect((await postJson(hub.port, '/publish', { topic: 'cats', message: 'still here' })).json).toMatchObject({
      delivered: 1,
    });
    await stays.waitForMessages(1);
  });
});

describe('GET /ws/<id>', () => {
  it('refuses an unknown id with 404 before any upgrade', async () => {
    await expect(Device.connect(`ws://127.0.0.1:${hub.port}/ws/${'0'.repeat(32)}`)).rejects.toThrow(/404/);
  });

  it('outlives its connection: a device that drops reconnects with the same URL', async () => {
    const { url } = await register(hub.port, 1);
    const first = await Device.connect(url);
    const disconnected = nextEvent(hub.relay, 'disconnected');
    await first.close();
    expect((await disconnected).reason).toBe('client_closed');
    const second = await Device.connect(url);
    await hub.relay.publish({ topic: 'cats', message: 'back' });
    await second.waitForMessages(1);
    expect(second.messages).toEqual(['back']);
  });

  it('a second connection on the same id replaces the first (closed with 4001)', async () => {
    const { url } = await register(hub.port, 1);
    const first = await Device.connect(url);
    const second = await Device.connect(url);
    expect(await first.closed()).toBe(CloseCode.replaced);
    expect(await hub.relay.publish({ topic: 'cats', message: 'to the new one' })).toMatchObject({ delivered: 1 });
    await second.waitForMessages(1);
    expect(hub.relay.stats().connected).toBe(1);
  });

  it('answers a plain GET (no upgrade) with 426 for a known id', async () => {
    const { id } = await register(hub.port, 1);
    const res = await rawRequest(hub.port, 'GET', `/ws/${id}`);
    expect(res.status).toBe(426);
    expect(res.json).toMatchObject({ error: { code: 'upgrade_required' } });
  });
});

describe('CORS', () => {
  it('allows any origin on REST routes and answers preflight', async () => {
    const preflight = await rawRequest(hub.port, 'OPTIONS', '/publish', undefined, {
      origin: 'http://example.test',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');
    const res = await postJson(hub.port, '/register', { user_id: 1 });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const error = await rawRequest(hub.port, 'GET', '/nope');
    expect(error.headers['access-control-allow-origin']).toBe('*');
  });
});
