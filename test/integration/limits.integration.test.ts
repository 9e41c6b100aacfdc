import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import { parseCli } from '../../electron/cli/args';
import { resolveOptions } from '../../electron/relay/index';
import {
  Device,
  metricSample,
  postJson,
  rawRequest,
  register,
  startHub,
  type RawResponse,
  type TestHub,
} from '../support/relay';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  hub = null;
});

/** POSTs JSON from a chosen loopback address (Linux routes all of 127/8 to lo). */
function postFrom(localAddress: string, port: number, path: string, value: unknown): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(value);
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, headers, localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** How many requests the hub refused with `code`, by its metrics. */
const refusals = (port: number, code: string): Promise<number | undefined> =>
  metricSample(port, `relay_hub_rejected_requests_total{reason="${code}"}`);

describe('per-IP rate limits', () => {
  it('register: a burst passes, then 429 with Retry-After and a JSON error; other addresses are not affected', async () => {
    hub = await startHub({ registerRatePerSec: 1, registerBurst: 3 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await postJson(hub.port, '/register', { user_id: i }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3] as RawResponse;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json).toMatchObject({ error: { code: 'rate_limited' } });
    expect(hub.relay.stats().registered).toBe(3);
    const neighbour = await postFrom('127.0.0.2', hub.port, '/register', { user_id: 9 });
    expect(neighbour.status).toBe(200);
    expect(await refusals(hub.port, 'rate_limited')).toBe(1);
  });

  it('register: the bucket refills at the configured rate', async () => {
    hub = await startHub({ registerRatePerSec: 20, registerBurst: 1 });
    expect((await postJson(hub.port, '/register', { user_id: 1 })).status).toBe(200);
    const refused = await postJson(hub.port, '/register', { user_id: 1 });
    expect(refused.status).toBe(429);
    const deadline = Date.now() + 2_000;
    let status = 429;
    while (status === 429 && Date.now() < deadline)
      status = (await postJson(hub.port, '/register', { user_id: 1 })).status;
    expect(status).toBe(200);
  });

  it('publish: over the rate gets 429 and delivers nothing; accepted publishes all arrive, in order', async () => {
    hub = await startHub({ publishRatePerSec: 1, publishBurst: 5 });
    const device = await Device.join(hub, 1);
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await postJson(hub.port, '/publish', { topic: 'cats', message: `m${i}` })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await postJson(hub.port, '/publish', { topic: 'cats', message: 'one more' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json).toMatchObject({ error: { code: 'rate_limited' } });
    expect(await refusals(hub.port, 'rate_limited')).toBe(4);
    await device.waitForMessages(5);
    expect(device.messages).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(hub.relay.stats().published).toBe(5);
    const other = await postFrom('127.0.0.3', hub.port, '/publish', { topic: 'cats', message: 'from elsewhere' });
    expect(other.json).toMatchObject({ delivered: 1 });
  });
});

describe('capacity limits', () => {
  it('maxRegistrations: 503 too_many_registrations until one is removed', async () => {
    hub = await startHub({ maxRegistrations: 2 });
    const first = await register(hub.port, 1);
    await register(hub.port, 2);
    const full = await postJson(hub.port, '/register', { user_id: 3 });
    expect(full.status).toBe(503);
    expect(full.json).toMatchObject({ error: { code: 'too_many_registrations' } });
    expect(() => hub?.relay.register(3)).toThrow(/maximum of 2 registrations/);
    await rawRequest(hub.port, 'DELETE', `/register/${first.id}`);
    expect((await postJson(hub.port, '/register', { user_id: 3 })).status).toBe(200);
    expect(await refusals(hub.port, 'too_many_registrations')).toBe(1);
  });

  it('maxConnections: the next socket is refused with 503; live ones keep receiving', async () => {
    hub = await startHub({ maxConnections: 1 });
    const live = await Device.join(hub, 1);
    const waiting: RegisterResponse = await register(hub.port, 2);
    await expect(Device.connect(waiting.url)).rejects.toThrow(/503/);
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'still here' });
    await live.waitForMessages(1);
    await live.close();
    const deadline = Date.now() + 2_000;
    while (hub.relay.stats().connected > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const second = await Device.connect(waiting.url);
    expect(second.ws.readyState).toBe(second.ws.OPEN);
    expect(await refusals(hub.port, 'too_many_connections')).toBe(1);
  });

  it('maxMessageBytes counts UTF-8 bytes: 413 message_too_large above it', async () => {
    hub = await startHub({ maxMessageBytes: 10 });
    const device = await Device.join(hub, 1);
    const cases: [string, number][] = [
      ['x'.repeat(10), 200],
      ['x'.repeat(11), 413],
      ['é'.repeat(5), 200], // 10 bytes
      ['é'.repeat(6), 413], // 12 bytes in 6 code units
      ['€'.repeat(4), 413], // 12 bytes
    ];
    for (const [message, status] of cases) {
      const res = await postJson(hub.port, '/publish', { topic: 'cats', message });
      expect(res.status, message).toBe(status);
      if (status === 413) expect(res.json).toMatchObject({ error: { code: 'message_too_large' } });
    }
    await device.waitForMessages(2);
    expect(device.messages).toEqual(['x'.repeat(10), 'é'.repeat(5)]);
    expect(await refusals(hub.port, 'message_too_large')).toBe(3);
    await expect(hub?.relay.publish({ topic: 'cats', message: 'x'.repeat(11) })).rejects.toThrow(
      /larger than 10 bytes/,
    );
  });

  it('maxBodyBytes: 413 body_too_large, the connection closed, counted', async () => {
    hub = await startHub({ maxBodyBytes: 64 });
    const body = JSON.stringify({ topic: 'cats', message: 'x'.repeat(64) });
    for (const headers of [{}, { 'content-length': String(body.length) }]) {
      const res = await rawRequest(hub.port, 'POST', '/publish', body, {
        'content-type': 'application/json',
        ...headers,
      });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ error: { code: 'body_too_large' } });
      expect(res.headers.connection).toBe('close');
    }
    expect(await refusals(hub.port, 'body_too_large')).toBe(2);
    expect(hub.relay.stats().published).toBe(0);
  });

  it('a restart applies new limits', async () => {
    hub = await startHub({ maxRegistrations: 1 });
    await register(hub.port, 1);
    expect((await postJson(hub.port, '/register', { user_id: 2 })).status).toBe(503);
    await hub.relay.stop();
    const info = await hub.relay.start({ maxRegistrations: 0, port: 0 });
    hub = { ...hub, port: info.port, base: `http://127.0.0.1:${info.port}` };
    expect((await postJson(hub.port, '/register', { user_id: 2 })).status).toBe(200);
    // Running: start() answers where it listens and changes nothing.
    expect(await hub.relay.start({ maxRegistrations: -1, port: 1 })).toEqual(info);
    expect(hub.relay.options).toMatchObject({ maxRegistrations: 0, port: 0 });
    await hub.relay.stop();
    await expect(hub.relay.start({ maxRegistrations: -1 })).rejects.toThrow(/"maxRegistrations"/);
    await hub.relay.start({ port: 0 });
  });
});

describe('limit options and flags', () => {
  it('validates every limit', () => {
    for (const name of ['maxMessageBytes', 'registerBurst', 'publishBurst'] as const) {
      expect(() => resolveOptions({ [name]: 0 })).toThrow(new RegExp(`"${name}"`));
    }
    for (const name of ['maxRegistrations', 'maxConnections', 'registerRatePerSec', 'publishRatePerSec'] as const) {
      expect(() => resolveOptions({ [name]: -1 })).toThrow(new RegExp(`"${name}"`));
      expect(resolveOptions({ [name]: 0 })[name]).toBe(0);
    }
  });

  it('reads every limit flag and its environment variable', () => {
    const flags = parseCli(
      [
        ...['--max-message-bytes', '100', '--max-registrations', '5', '--max-connections', '6'],
        ...['--register-rate', '7', '--register-burst', '8', '--publish-rate', '9', '--publish-burst', '10'],
      ],
      {},
    );
    expect(flags).toMatchObject({
      relay: {
        maxMessageBytes: 100,
        maxRegistrations: 5,
        maxConnections: 6,
        registerRatePerSec: 7,
        registerBurst: 8,
        publishRatePerSec: 9,
        publishBurst: 10,
      },
    });
    expect(parseCli([], { RELAY_HUB_PUBLISH_RATE: '0' })).toMatchObject({ relay: { publishRatePerSec: 0 } });
    const topics = parseCli(['--max-topics', '3'], { RELAY_HUB_MAX_TOPIC_LENGTH: '12' });
    expect(topics).toMatchObject({ relay: { maxTopics: 3, maxTopicLength: 12 } });
    if (topics.kind !== 'run') throw new Error('expected a run command');
    expect(resolveOptions({ ...topics.relay })).toMatchObject({ maxTopics: 3, maxTopicLength: 12 });
    const one = parseCli(['--max-topics', '3'], {});
    if (one.kind !== 'run') throw new Error('expected a run command');
    expect(resolveOptions(one.relay)).toMatchObject({ maxTopics: 3, maxTopicLength: 256 });
    expect(() => parseCli(['--register-rate', 'fast'], {})).toThrow(/--register-rate/);
  });
});
