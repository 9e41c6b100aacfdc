import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/api';
import type { RegisterResponse } from '../../shared/api';
import { parseCli } from '../../electron/cli/args';
import { resolveOptions } from '../../electron/relay/index';
import { Device, metricSample, rawRequest, startHub, type TestHub } from '../support/relay';

const token = 'a-long-enough-token-1234';
const json = { 'content-type': 'application/json' };
const bearer = (value: string): Record<string, string> => ({ ...json, authorization: `Bearer ${value}` });

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  hub = null;
});

async function registerWith(port: number, headers: Record<string, string>): Promise<RegisterResponse> {
  const res = await rawRequest(port, 'POST', '/register', '{"user_id": 1}', headers);
  expect(res.status).toBe(200);
  return res.json as RegisterResponse;
}

describe('access token', () => {
  it.each([
    ['POST', '/register', '{"user_id": 1}'],
    ['POST', '/publish', '{"topic": "cats", "message": "x"}'],
    ['DELETE', `/register/${'0'.repeat(32)}`, undefined],
    ['GET', '/metrics', undefined],
  ])('%s %s refuses a missing or wrong token with 401', async (method, path, body) => {
    hub = await startHub({ accessToken: token });
    for (const headers of [json, bearer('wrong-token-wrong-token'), { ...json, authorization: token }]) {
      const res = await rawRequest(hub.port, method, path, body, headers);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: { code: 'unauthorized' } });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="relay-hub"');
    }
    expect(hub.relay.stats().registered).toBe(0);
  });

  it('accepts the right token; health and device sockets need none', async () => {
    hub = await startHub({ accessToken: token });
    expect((await rawRequest(hub.port, 'GET', '/health')).status).toBe(200);
    const { url, id } = await registerWith(hub.port, bearer(token));
    const device = await Device.connect(url);
    const publish = await rawRequest(hub.port, 'POST', '/publish', '{"topic":"cats","message":"hi"}', bearer(token));
    expect(publish.json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);
    const removed = await rawRequest(hub.port, 'DELETE', `/register/${id}`, undefined, bearer(token));
    expect(removed.json).toMatchObject({ removed: true });
    expect(await device.closed()).toBe(4000);
  });

  it('rotates without breaking registered devices: the old token stops working at once', async () => {
    hub = await startHub({ accessToken: token });
    const { url, id } = await registerWith(hub.port, bearer(token));
    const rotated = 'the-next-token-5678-abcd';
    hub.relay.setAccessToken(rotated);
    const old = await rawRequest(hub.port, 'POST', '/publish', '{"topic":"cats","message":"x"}', bearer(token));
    expect(old.status).toBe(401);
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 1}', bearer(token))).status).toBe(401);
    expect((await rawRequest(hub.port, 'GET', '/metrics', undefined, bearer(token))).status).toBe(401);
    const unregister = await rawRequest(hub.port, 'DELETE', `/register/${id}`, undefined, bearer(token));
    expect(unregister.status).toBe(401);
    expect(unregister.json).toMatchObject({ error: { code: 'unauthorized' } });
    expect(hub.relay.stats().registered).toBe(1); // the old token removed nothing
    const device = await Device.connect(url);
    const res = await rawRequest(hub.port, 'POST', '/publish', '{"topic":"cats","message":"after"}', bearer(rotated));
    expect(res.json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['after']);
    expect(() => hub?.relay.setAccessToken('short')).toThrow(/accessToken/);
  });

  it('counts refusals in the metrics', async () => {
    hub = await startHub({ accessToken: token });
    await rawRequest(hub.port, 'POST', '/publish', '{}', json);
    const sample = 'relay_hub_rejected_requests_total{reason="unauthorized"}';
    expect(await metricSample(hub.port, sample, bearer(token))).toBe(1);
    await rawRequest(hub.port, 'DELETE', `/register/${'0'.repeat(32)}`, undefined, bearer('wrong-token-wrong-token'));
    await rawRequest(hub.port, 'GET', '/metrics');
    expect(await metricSample(hub.port, sample, bearer(token))).toBe(3);
  });
});

describe('revocation', () => {
  it('unregistering a device or a user closes its sockets at once; the old URLs never work again, even after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-revoke-'));
    hub = await startHub({ dataDir });
    const phone = await registerWith(hub.port, json);
    const laptop = await registerWith(hub.port, { ...json });
    const board = (await rawRequest(hub.port, 'POST', '/register', '{"user_id": 9}', json)).json as RegisterResponse;
    const [a, b, c] = await Promise.all([phone, laptop, board].map(({ url }) => Device.connect(url)));
    const removed = await rawRequest(hub.port, 'DELETE', `/register/${board.id}`);
    expect(removed.json).toEqual({ removed: true, id: board.id });
    expect(await c?.closed()).toBe(CloseCode.unregistered);
    expect(hub.relay.unregisterUser(1)).toBe(2);
    expect(await a?.closed()).toBe(CloseCode.unregistered);
    expect(await b?.closed()).toBe(CloseCode.unregistered);
    for (const { url } of [phone, laptop, board]) await expect(Device.connect(url)).rejects.toThrow(/404/);

    await hub.relay.stop();
    hub = await startHub({ dataDir });
    expect(hub.relay.stats().registered).toBe(0);
    for (const { id } of [phone, laptop, board]) {
      await expect(Device.connect(`ws://127.0.0.1:${hub.port}/ws/${id}`)).rejects.toThrow(/404/);
    }
  });
});

describe('origin allow-list', () => {
  it('refuses a browser socket from another origin with 403, allows listed origins and devices', async () => {
    hub = await startHub({ allowedOrigins: ['http://good.example:8080/'] });
    const { url } = await registerWith(hub.port, json);
    await expect(Device.connect(url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const fromPage = await Device.connect(url, { origin: 'http://good.example:8080' });
    await fromPage.close();
    const device = await Device.connect(url); // no Origin header, as devices send
    expect(device.ws.readyState).toBe(device.ws.OPEN);
  });
});

describe('options and flags', () => {
  it('validates the token and the origins', () => {
    expect(() => resolveOptions({ accessToken: 'short' })).toThrow(/"accessToken"/);
    expect(() => resolveOptions({ accessToken: 'has spaces in it, sixteen+' })).toThrow(/"accessToken"/);
    expect(() => resolveOptions({ allowedOrigins: ['not an origin'] })).toThrow(/"allowedOrigins"/);
    expect(resolveOptions({ allowedOrigins: ['https://a.example/path'] }).allowedOrigins).toEqual([
      'https://a.example',
    ]);
  });

  it('reads --token and --allowed-origins, and their environment variables', () => {
    const cli = parseCli(['--token', token, '--allowed-origins', 'https://a.example, https://b.example'], {});
    expect(cli).toMatchObject({
      relay: { accessToken: token, allowedOrigins: ['https://a.example', 'https://b.example'] },
    });
    expect(parseCli([], { RELAY_HUB_TOKEN: token })).toMatchObject({ relay: { accessToken: token } });
  });
});
