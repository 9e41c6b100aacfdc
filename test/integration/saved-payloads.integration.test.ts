/**
 * The operator's saved payloads on a real hub, through the dashboard's own API (the admin
 * WebSocket, `/admin?token=…`, the same command handler the desktop's IPC runs): each bad input
 * refused with its stable code and nothing changed, each change pushed live to every open
 * dashboard and written atomically to `<data dir>/saved-payloads.json`, read back by a hub started
 * again on that data dir; and nobody but the holder of the admin token reaches them (a device key,
 * or even the access token, opens no admin socket).
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminServerFrame } from '../../shared/admin';
import type { CommandName, CommandResult, HubConfig } from '../../shared/ipc';
import type { CreateKeyResponse } from '../../shared/keys';
import type { SavedPayload } from '../../shared/saved-payloads';
import { createHubHost, type HubHost } from '../../electron/host/index';
import { rawRequest } from '../support/relay';

const adminToken = 'the-dashboards-admin-token-0123';
const accessToken = 'the-operators-access-token-0123';
const hosts: HubHost[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-payloads-'));

/** A hub as the headless CLI runs it: relay, dashboard, data dir; a small message limit. */
async function startHost(dataDir: string | null, relay: Record<string, unknown> = {}): Promise<number> {
  const host = createHubHost({
    relay: { host: '127.0.0.1', port: 0, heartbeatIntervalMs: 0, dataDir, maxMessageBytes: 64, ...relay },
    dashboard: { staticDir: tempDir(), token: adminToken },
  });
  hosts.push(host);
  const status = await host.start();
  expect(status.state).toBe('running');
  return status.listen?.port ?? 0;
}

/** A dashboard's admin socket: commands, and the config of every update it is pushed. */
async function openAdmin(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/admin?token=${adminToken}`);
  sockets.push(ws);
  const results = new Map<number, (result: CommandResult<CommandName>) => void>();
  const configs: HubConfig[] = [];
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as AdminServerFrame;
    if (frame.type === 'result') results.get(frame.id)?.(frame.result);
    else if (frame.update.config !== undefined) configs.push(frame.update.config);
  });
  await once(ws, 'open');
  let id = 0;
  return {
    configs,
    run(name: CommandName, arg: unknown): Promise<CommandResult<CommandName>> {
      const answer = new Promise<CommandResult<CommandName>>((resolve) => results.set(++id, resolve));
      ws.send(JSON.stringify({ type: 'command', id, name, arg }));
      return answer;
    },
  };
}

/** The saved payloads a config answer carries (the test fails on a refusal). */
function savedOf(result: CommandResult<CommandName>): readonly SavedPayload[] {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return (result.value as HubConfig).savedPayloads;
}

const lamp: SavedPayload = {
  name: 'Lamp on',
  topic: 'lamp',
  userId: '',
  message: '{"on":true}',
  mode: 'text',
  retain: true,
};

describe('saved payloads through the dashboard’s admin socket', () => {
  it('refuses each bad input with its stable code, and changes neither the list nor the file', async () => {
    const dataDir = tempDir();
    const admin = await openAdmin(await startHost(dataDir));
    expect(savedOf(await admin.run('savePayload', lamp))).toEqual([lamp]);
    const file = join(dataDir, 'saved-payloads.json');
    const before = readFileSync(file, 'utf8');

    const cases: [CommandName, unknown, string][] = [
      ['savePayload', null, 'invalid_body'],
      ['savePayload', [lamp], 'invalid_body'],
      ['savePayload', { ...lamp, extra: 1 }, 'invalid_body'],
      ['savePayload', { ...lamp, name: '' }, 'invalid_body'],
      ['savePayload', { ...lamp, name: '   ' }, 'invalid_body'],
      ['savePayload', { ...lamp, name: 'n'.repeat(101) }, 'invalid_body'],
      ['savePayload', { ...lamp, name: 'tab\there' }, 'invalid_body'],
      ['savePayload', { ...lamp, name: 7 }, 'invalid_body'],
      ['savePayload', { ...lamp, topic: '' }, 'invalid_topic'],
      ['savePayload', { ...lamp, topic: 't'.repeat(257) }, 'invalid_topic'],
      ['savePayload', { ...lamp, userId: 'seven' }, 'invalid_user_id'],
      ['savePayload', { ...lamp, userId: 7 }, 'invalid_user_id'],
      ['savePayload', { ...lamp, userId: '99999999999999999' }, 'invalid_user_id'],
      ['savePayload', { ...lamp, message: null }, 'invalid_message'],
      ['savePayload', { ...lamp, message: 'é'.repeat(33) }, 'message_too_large'], // 66 bytes over this hub's 64
      ['savePayload', { ...lamp, mode: 'file' }, 'invalid_body'],
      ['savePayload', { ...lamp, retain: 'yes' }, 'invalid_body'],
      ['deletePayload', { name: 'no such payload' }, 'not_found'],
      ['deletePayload', { name: '' }, 'invalid_body'],
      ['deletePayload', 'Lamp on', 'invalid_body'],
      ['renamePayload', { name: 'no such payload', to: 'x' }, 'not_found'],
      ['renamePayload', { name: 'Lamp on', to: 'n'.repeat(101) }, 'invalid_body'],
      ['renamePayload', { name: 'Lamp on' }, 'invalid_body'],
    ];
    for (const [name, arg, code] of cases) {
      const result = await admin.run(name, arg);
      expect(result, `${name} ${JSON.stringify(arg)?.slice(0, 60)}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(savedOf(await admin.run('savePayload', { ...lamp, name: 'Other', message: 'é'.repeat(32) }))).toHaveLength(
      2,
    );
    expect(await admin.run('renamePayload', { name: 'Lamp on', to: 'Other' })).toMatchObject({
      ok: false,
      error: { code: 'name_taken' },
    });
    expect(savedOf(await admin.run('deletePayload', { name: 'Other' }))).toEqual([lamp]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('holds at most 100 payloads and 4 MiB of messages together (too_many_saved_payloads)', async () => {
    const admin = await openAdmin(
      await startHost(tempDir(), { maxMessageBytes: 1024 * 1024, maxBodyBytes: 2 * 1024 * 1024 }),
    );
    for (let i = 0; i < 100; i++) expect((await admin.run('savePayload', { ...lamp, name: `p${i}` })).ok).toBe(true);
    const full = await admin.run('savePayload', { ...lamp, name: 'p100' });
    expect(full).toMatchObject({ ok: false, error: { code: 'too_many_saved_payloads' } });
    // Replacing one of the same name is not one more.
    expect(savedOf(await admin.run('savePayload', { ...lamp, name: 'p7', message: 'new' }))[0]).toMatchObject({
      name: 'p7',
      message: 'new',
    });
    for (let i = 0; i < 100; i++) await admin.run('deletePayload', { name: `p${i}` });
    const mib = 'm'.repeat(1024 * 1024);
    for (let i = 0; i < 4; i++)
      expect((await admin.run('savePayload', { ...lamp, name: `big${i}`, message: mib })).ok).toBe(true);
    const over = await admin.run('savePayload', { ...lamp, name: 'one byte more', message: 'x' });
    expect(over).toMatchObject({ ok: false, error: { code: 'too_many_saved_payloads' } });
  });

  it('reaches every open dashboard live, and a hub started again on the same data dir still has them', async () => {
    const dataDir = tempDir();
    const port = await startHost(dataDir);
    const [first, second] = [await openAdmin(port), await openAdmin(port)];
    expect(savedOf(await first.run('savePayload', lamp))).toEqual([lamp]);
    await expect.poll(() => second.configs.at(-1)?.savedPayloads).toEqual([lamp]);
    savedOf(await second.run('renamePayload', { name: 'Lamp on', to: 'Lamp' }));
    await expect.poll(() => first.configs.at(-1)?.savedPayloads).toEqual([{ ...lamp, name: 'Lamp' }]);

    // The file: written whole (no temporary file left), for the hub's user only.
    const file = join(dataDir, 'saved-payloads.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, payloads: [{ ...lamp, name: 'Lamp' }] });
    expect(readdirSync(dataDir).filter((name) => name.includes('saved-payloads'))).toEqual(['saved-payloads.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    const again = await openAdmin(await startHost(dataDir));
    const init = await again.run('getInit', null);
    expect(init.ok && (init.value as { config: HubConfig }).config.savedPayloads).toEqual([{ ...lamp, name: 'Lamp' }]);
  });

  it('moves a damaged file aside and starts without saved payloads', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'saved-payloads.json'), '{"version": 1, "payloads": [');
    const admin = await openAdmin(await startHost(dataDir));
    const init = await admin.run('getInit', null);
    expect(init.ok && (init.value as { config: HubConfig }).config.savedPayloads).toEqual([]);
    expect(readFileSync(join(dataDir, 'saved-payloads.json.damaged'), 'utf8')).toBe('{"version": 1, "payloads": [');
  });

  it('is for the admin token only: a device key, or the access token, opens no admin socket (401)', async () => {
    const port = await startHost(tempDir(), { accessToken });
    const admin = await openAdmin(port);
    const created = await admin.run('createKey', {
      name: 'sensor',
      users: [7],
      subscribe: ['lamp'],
      publish: ['lamp'],
    });
    const { secret } = (created as { ok: true; value: CreateKeyResponse }).value;
    // The key works where keys work…
    const registered = await rawRequest(port, 'POST', '/register', JSON.stringify({ user_id: 7 }), {
      'content-type': 'application/json',
      authorization: `Bearer ${secret}`,
    });
    expect(registered.status).toBe(200);
    // …and opens no admin socket, whose commands are the only way to the saved payloads.
    for (const credential of [secret, accessToken]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/admin?token=${encodeURIComponent(credential)}`);
      sockets.push(ws);
      ws.on('error', () => undefined);
      const [, response] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
      expect(response.statusCode).toBe(401);
    }
    // No HTTP route serves them either, whatever the credential.
    for (const path of ['/saved-payloads', '/settings']) {
      const res = await rawRequest(port, 'GET', path, undefined, { authorization: `Bearer ${secret}` });
      expect(res.status).toBe(404);
    }
    expect(savedOf(await admin.run('savePayload', lamp))).toEqual([lamp]);
  });
});
