/**
 * Device keys on real sockets: what a key may do (register as its users, subscribe and publish on
 * its topics) and everything it may not (each refused with 403 `forbidden` or an error frame),
 * revocation (sockets closed with 4003 at once, 404 afterwards, also after a restart), expiry,
 * and keys surviving a SIGKILL of the headless hub.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import type { CreateKeyResponse, DeviceKeyListing, PairResponse } from '../../shared/keys';
import { connect } from '../../client/index';
import { runCli, killClis, spawnCli } from '../support/cli';
import { sdkOptions, waitForState } from '../support/sdk';
import { Device, metricSample, rawRequest, startHub, type RawResponse, type TestHub } from '../support/relay';

const token = 'the-operators-access-token-0123';
const json = { 'content-type': 'application/json' };
const bearer = (value: string): Record<string, string> => ({ ...json, authorization: `Bearer ${value}` });
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-keys-'));
const scope = { name: 'greenhouse sensor', users: [7], subscribe: ['sensors/*'], publish: ['sensors/*'] };

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((hub) => hub.relay.stop()));
  hubs = [];
  killClis();
});

async function start(options: Parameters<typeof startHub>[0] = {}): Promise<TestHub> {
  const hub = await startHub({ accessToken: token, ...options });
  hubs.push(hub);
  return hub;
}

async function createKey(port: number, body: unknown = scope): Promise<CreateKeyResponse> {
  const res = await rawRequest(port, 'POST', '/keys', JSON.stringify(body), bearer(token));
  expect(res.status, res.text).toBe(201);
  return res.json as CreateKeyResponse;
}

async function registerAs(port: number, secret: string, body: unknown): Promise<RegisterResponse> {
  const res = await rawRequest(port, 'POST', '/register', JSON.stringify(body), bearer(secret));
  expect(res.status, res.text).toBe(200);
  return res.json as RegisterResponse;
}

/** The next JSON frame a device receives after `count` messages. */
async function frame(device: Device, count: number): Promise<unknown> {
  await device.waitForMessages(count);
  return JSON.parse(device.messages[count - 1] ?? 'null') as unknown;
}

describe('device keys', () => {
  it('are created by the operator only; the secret is shown once and only its hash is kept', async () => {
    const dataDir = tempDir();
    const hub = await start({ dataDir });
    expect((await rawRequest(hub.port, 'POST', '/keys', JSON.stringify(scope), json)).status).toBe(401);
    const { key, secret } = await createKey(hub.port, { ...scope, expires_in_ms: 3_600_000 });
    expect(secret).toMatch(/^rhk_[0-9a-f]{8}_[\w-]{32}$/);
    expect(key).toMatchObject({ ...scope, revokedAt: null, lastUsedAt: null });
    expect(key.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const listed = await rawRequest(hub.port, 'GET', '/keys', undefined, bearer(token));
    expect(listed.text).not.toContain(secret.slice(13));
    expect((listed.json as { keys: DeviceKeyListing[] }).keys).toEqual([{ ...key, registrations: 0 }]);
    const { readFileSync } = await import('node:fs');
    const onDisk = readFileSync(join(dataDir, 'keys.json'), 'utf8');
    expect(onDisk).toContain(key.id);
    expect(onDisk).not.toContain(secret.slice(13));
    for (const bad of [
      {},
      { ...scope, users: [] },
      { ...scope, subscribe: ['a*b'] },
      { ...scope, expires_in_ms: -1 },
    ]) {
      const res = await rawRequest(hub.port, 'POST', '/keys', JSON.stringify(bad), bearer(token));
      expect([res.status, (res.json as { error: { code: string } }).error.code]).toEqual([400, 'invalid_body']);
    }
  });

  it('may register as its users, subscribe and publish on its topics — and nothing else (403 forbidden)', async () => {
    const hub = await start();
    const { key, secret } = await createKey(hub.port);
    const other = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 1}', bearer(token));
    const otherId = (other.json as RegisterResponse).id;
    const refusals: [string, string, string | undefined, Record<string, string>?][] = [
      ['POST', '/register', '{"user_id": 8}'],
      ['POST', '/publish', '{"topic": "cats", "message": "x"}'],
      ['POST', '/publish?topic=cats', 'bytes', { 'content-type': 'application/octet-stream' }],
      ['DELETE', `/register/${otherId}`, undefined],
      ['GET', '/metrics', undefined],
      ['DELETE', '/retained/sensors%2Fa', undefined],
      ['GET', '/history/cats', undefined],
      ['GET', '/keys', undefined],
      ['POST', '/keys', JSON.stringify(scope)],
      ['DELETE', `/keys/${key.id}`, undefined],
      ['POST', '/pair', JSON.stringify({ name: 'x', user_id: 7, subscribe: ['a'] })],
    ];
    for (const [method, path, body, headers] of refusals) {
      const res = await rawRequest(hub.port, method, path, body, { ...bearer(secret), ...headers });
      expect([method, path, res.status, (res.json as { error?: { code: string } }).error?.code]).toEqual([
        method,
        path,
        403,
        'forbidden',
      ]);
      expect((res.json as { error: { message: string } }).error.message).toContain('greenhouse sensor');
    }
    expect(hub.relay.stats().registered).toBe(1);

    // Within its scope: register, connect (no default "cats": the key does not allow it), subscribe, publish.
    const { url, id } = await registerAs(hub.port, secret, { user_id: 7 });
    expect(hub.relay.snapshot().clients.find((c) => c.id === id)).toMatchObject({ keyId: key.id, topics: [] });
    const device = await Device.connect(`${url}?format=envelope`);
    device.send(JSON.stringify({ topics: ['cats'] }));
    expect(await frame(device, 1)).toMatchObject({ error: { code: 'forbidden' } });
    await device.setTopics(hub, ['sensors/a', 'sensors/b']);
    const published = await rawRequest(
      hub.port,
      'POST',
      '/publish',
      '{"topic":"sensors/a","message":"21"}',
      bearer(secret),
    );
    expect(published.json).toMatchObject({ delivered: 1 });
    expect(await frame(device, 2)).toMatchObject({ topic: 'sensors/a', message: '21' });
    device.send(JSON.stringify({ publish: { topic: 'cats', message: 'no' }, id: 1 }));
    expect(await frame(device, 3)).toEqual({
      error: { code: 'forbidden', message: expect.stringContaining('"cats"') as string },
      id: 1,
    });
    device.send(JSON.stringify({ publish: { topic: 'sensors/b', message: 'yes' }, id: 2, echo: true }));
    expect(await frame(device, 4)).toMatchObject({ topic: 'sensors/b', message: 'yes' });
    expect(await frame(device, 5)).toEqual({ ack: 2, delivered: 1 });
    const history = await rawRequest(hub.port, 'GET', '/history/sensors%2Fa', undefined, bearer(secret));
    expect(history.status).toBe(200);
    // Its own registration it may remove.
    const removed = await rawRequest(hub.port, 'DELETE', `/register/${id}`, undefined, bearer(secret));
    expect(removed.json).toEqual({ removed: true, id });
    expect(await device.closed()).toBe(4000);
    expect(await metricSample(hub.port, 'relay_hub_rejected_requests_total{reason="forbidden"}', bearer(token))).toBe(
      refusals.length + 2,
    );
  });

  it('pairing: a one-time code for a new key, traded once by the phone page; revoking voids it', async () => {
    const hub = await start();
    const asked = { name: 'Alice phone', user_id: 3, subscribe: ['chat', 'alerts/*'] };
    const res = await rawRequest(hub.port, 'POST', '/pair', JSON.stringify(asked), bearer(token));
    expect(res.status, res.text).toBe(201);
    const paired = res.json as PairResponse;
    expect(paired.link).toBe(`${hub.base}/device#pair=${paired.code}`);
    expect(paired.board).toEqual({ hub: hub.base, key: paired.secret, user_id: 3, name: 'Alice phone' });
    expect(paired.key).toMatchObject({
      name: 'Alice phone',
      users: [3],
      subscribe: ['chat', 'alerts/*'],
      publish: ['chat', 'alerts/*'],
    });
    expect(paired.expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);

    const claim = (code: string): Promise<RawResponse> =>
      rawRequest(hub.port, 'POST', '/pair/claim', JSON.stringify({ code }), json);
    const claimed = await claim(paired.code);
    expect(claimed.json).toEqual({ ...paired.board, subscribe: ['chat', 'alerts/*'], publish: ['chat', 'alerts/*'] });
    const again = await claim(paired.code);
    expect([again.status, (again.json as { error: { code: string } }).error.code]).toEqual([404, 'unknown_pairing']);
    expect((await rawRequest(hub.port, 'POST', '/pair/claim', '{"code": 1}', json)).status).toBe(400);
    // The claimed key registers as its user, with its name.
    expect(
      (await rawRequest(hub.port, 'POST', '/register', '{"user_id": 3, "name": "Alice phone"}', bearer(paired.secret)))
        .status,
    ).toBe(200);

    const other = (await rawRequest(hub.port, 'POST', '/pair', JSON.stringify(asked), bearer(token)))
      .json as PairResponse;
    await rawRequest(hub.port, 'DELETE', `/keys/${other.key.id}`, undefined, bearer(token));
    expect((await claim(other.code)).status).toBe(404);
    for (const bad of [{ ...asked, user_id: -1 }, { ...asked, subscribe: 'chat' }, { name: '' }]) {
      expect((await rawRequest(hub.port, 'POST', '/pair', JSON.stringify(bad), bearer(token))).status).toBe(400);
    }
  });

  it('the SDK registers with a key and a name (the same registration on every start) and stops when the key is revoked', async () => {
    const hub = await start();
    const { key, secret } = await createKey(hub.port);
    const options = { ...sdkOptions(hub.port), userId: 7, token: secret, name: 'sdk-device', topics: ['sensors/x'] };
    const first = connect(options);
    await waitForState(first, 'open');
    const id = first.id;
    first.close();
    const second = connect(options);
    await waitForState(second, 'open');
    expect(second.id).toBe(id);
    const gone = new Promise((resolve) => second.on('unregistered', resolve));
    await rawRequest(hub.port, 'DELETE', `/keys/${key.id}`, undefined, bearer(token));
    expect(await gone).toEqual({ id, revoked: true });
    expect(second.state).toBe('closed');
  });

  it('a wrong, unknown or revoked key is a 401, on an open hub too', async () => {
    const hub = await start({ accessToken: null });
    const { key, secret } = await createKey(hub.port);
    const forged = `rhk_${key.id}_${'A'.repeat(32)}`;
    for (const value of [forged, 'rhk_00000000_' + 'B'.repeat(32)]) {
      const res = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 7}', bearer(value));
      expect([res.status, (res.json as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
    }
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 7}', bearer(secret))).status).toBe(200);
    // The tutorial's anonymous register still works on an open hub.
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 8}', json)).status).toBe(200);
  });

  it('revoking closes every socket of the key with 4003 at once; its registrations 404, also after a restart', async () => {
    const dataDir = tempDir();
    const hub = await start({ dataDir });
    const { key, secret } = await createKey(hub.port);
    const kept = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 7}', bearer(token));
    const keptId = (kept.json as RegisterResponse).id;
    const phone = await registerAs(hub.port, secret, { user_id: 7, name: 'phone' });
    const laptop = await registerAs(hub.port, secret, { user_id: 7, name: 'laptop' });
    const devices = await Promise.all([Device.connect(phone.url), Device.connect(laptop.url)]);
    const listed = await rawRequest(hub.port, 'GET', '/keys', undefined, bearer(token));
    expect((listed.json as { keys: DeviceKeyListing[] }).keys[0]).toMatchObject({ id: key.id, registrations: 2 });
    expect((listed.json as { keys: DeviceKeyListing[] }).keys[0]?.lastUsedAt).toBeGreaterThan(0);

    const revoked = await rawRequest(hub.port, 'DELETE', `/keys/${key.id}`, undefined, bearer(token));
    expect(revoked.json).toEqual({ id: key.id, revoked: true, removed: 2 });
    expect(await Promise.all(devices.map((device) => device.closed()))).toEqual([4003, 4003]);
    for (const { id } of [phone, laptop]) {
      expect((await rawRequest(hub.port, 'GET', `/ws/${id}`)).status).toBe(404);
    }
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 7}', bearer(secret))).status).toBe(401);
    expect(
      await metricSample(hub.port, 'relay_hub_registrations_expired_total{reason="key_revoked"}', bearer(token)),
    ).toBe(2);
    expect((await rawRequest(hub.port, 'DELETE', `/keys/${key.id}`, undefined, bearer(token))).json).toMatchObject({
      revoked: false,
      removed: 0,
    });

    await hub.relay.stop();
    hubs = [];
    const again = await start({ dataDir });
    expect(again.relay.snapshot().clients.map((c) => c.id)).toEqual([keptId]);
    expect((await rawRequest(again.port, 'GET', `/ws/${phone.id}`)).status).toBe(404);
    expect(again.relay.keys()[0]).toMatchObject({
      id: key.id,
      registrations: 0,
      revokedAt: expect.any(Number) as number,
    });
    expect((await rawRequest(again.port, 'POST', '/register', '{"user_id": 7}', bearer(secret))).status).toBe(401);
  });

  it('an expiring key stops working on time and takes its sockets with it (4003)', async () => {
    const hub = await start();
    const { secret } = await createKey(hub.port, { ...scope, expires_in_ms: 1_200 });
    const { url } = await registerAs(hub.port, secret, { user_id: 7 });
    const device = await Device.connect(url);
    const started = Date.now();
    expect(await device.closed()).toBe(4003);
    // Checked every second: closed within a second of the expiry.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 7}', bearer(secret))).status).toBe(401);
  });

  it('registrations of a key that expired while the hub was down are not restored', async () => {
    const dataDir = tempDir();
    const hub = await start({ dataDir });
    const { secret } = await createKey(hub.port, { ...scope, expires_in_ms: 600 });
    const { id } = await registerAs(hub.port, secret, { user_id: 7 });
    await hub.relay.stop();
    hubs = [];
    await new Promise((resolve) => setTimeout(resolve, 700));
    const again = await start({ dataDir });
    expect(again.relay.snapshot().clients).toEqual([]);
    expect((await rawRequest(again.port, 'GET', `/ws/${id}`)).status).toBe(404);
  });

  it('keys and their registrations survive a SIGKILL of the headless hub; a revocation too', async () => {
    const dataDir = tempDir();
    const args = ['--token', token];
    const first = await runCli(dataDir, 0, args);
    const { key, secret } = await createKey(first.port);
    const { id } = await registerAs(first.port, secret, { user_id: 7, name: 'sensor-1' });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await runCli(dataDir, 0, args);
    // Same name, same key: the same registration back.
    expect((await registerAs(second.port, secret, { user_id: 7, name: 'sensor-1' })).id).toBe(id);
    const revoked = await rawRequest(second.port, 'DELETE', `/keys/${key.id}`, undefined, bearer(token));
    expect(revoked.json).toMatchObject({ revoked: true, removed: 1 });
    second.child.kill('SIGKILL');
    await new Promise((resolve) => second.child.once('exit', resolve));

    const third = await runCli(dataDir, 0, args);
    expect((await rawRequest(third.port, 'GET', `/ws/${id}`)).status).toBe(404);
    expect((await rawRequest(third.port, 'POST', '/register', '{"user_id": 7}', bearer(secret))).status).toBe(401);
    const listed = await rawRequest(third.port, 'GET', '/keys', undefined, bearer(token));
    expect((listed.json as { keys: DeviceKeyListing[] }).keys).toEqual([
      expect.objectContaining({ id: key.id, revokedAt: expect.any(Number) as number }),
    ]);
  }, 30_000);
});

describe('relay-hub keys / relay-hub pair (the CLI bundle against a running hub)', () => {
  async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
    const child = await spawnCli(args, env);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, out, err };
  }

  it('creates, lists, pairs and revokes; refuses without the token and explains its usage', async () => {
    const hub = await runCli(tempDir(), 0, ['--token', token]);
    const url = `http://127.0.0.1:${hub.port}`;
    const created = await cli(
      [
        'keys',
        'create',
        '--hub',
        url,
        '--name',
        'boards',
        '--users',
        '7,8',
        '--subscribe',
        'sensors/*',
        '--expires-in',
        '30d',
      ],
      {
        RELAY_HUB_TOKEN: token,
      },
    );
    expect(created.code, created.err).toBe(0);
    const secret = /rhk_\w{8}_[\w-]{32}/.exec(created.out)?.[0] ?? '';
    expect(created.out).toMatch(
      /Created key [0-9a-f]{8} "boards" \(users 7, 8; subscribe sensors\/\*; publish sensors\/\*; expires 20\d\d-/,
    );
    expect((await rawRequest(hub.port, 'POST', '/register', '{"user_id": 8}', bearer(secret))).status).toBe(200);

    const listed = await cli(['keys', 'list', '--hub', url, '--token', token, '--json']);
    const keys = (JSON.parse(listed.out) as { keys: DeviceKeyListing[] }).keys;
    expect(keys).toEqual([expect.objectContaining({ name: 'boards', users: [7, 8], registrations: 1 })]);

    const paired = await cli([
      'pair',
      '--hub',
      url,
      '--token',
      token,
      '--name',
      'phone',
      '--user',
      '3',
      '--topics',
      'chat',
    ]);
    expect(paired.code, paired.err).toBe(0);
    expect(paired.out).toMatch(new RegExp(`${url}/device#pair=[\\w-]{22}`));
    expect(paired.out).toContain('"user_id":3');

    const revoked = await cli(['keys', 'revoke', keys[0]?.id ?? '', '--hub', url, '--token', token]);
    expect(revoked.out).toContain('1 registration(s) removed');
    const refused = await cli(['keys', 'list', '--hub', url]);
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('401 unauthorized') as string]);
    const usage = await cli(['keys', 'frobnicate']);
    expect([usage.code, usage.err]).toEqual([2, expect.stringContaining('relay-hub keys create') as string]);
    const down = await cli(['keys', 'list', '--hub', 'http://127.0.0.1:9']);
    expect([down.code, down.err]).toEqual([1, expect.stringContaining('cannot reach the hub') as string]);
  }, 30_000);
});
