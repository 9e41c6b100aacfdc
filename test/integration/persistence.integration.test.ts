import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import { rawSocketOf } from '../../electron/relay/core/clients/fanout';
import { createRelay, StoreError } from '../../electron/relay/index';
import { runCli, killClis, spawnCli } from '../support/cli';
import { Device, nextEvent, postJson, rawRequest, startHub, type TestHub } from '../support/relay';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-persist-'));

describe('a relay with a data dir', () => {
  const hubs: TestHub[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.relay.stop();
  });
  const start = async (dataDir: string, options = {}): Promise<TestHub> => {
    const hub = await startHub({ dataDir, ...options });
    hubs.push(hub);
    return hub;
  };

  it('restores registrations, users and topics after a restart; old URLs connect', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const a = await Device.join(first, 7);
    await a.setTopics(first, ['dogs', 'birds']);
    const { id: gone } = (await postJson(first.port, '/register', { user_id: 8 })).json as RegisterResponse;
    expect((await rawRequest(first.port, 'DELETE', `/register/${gone}`)).status).toBe(200);
    const before = first.relay.snapshot().clients.map(({ id, userId, topics, registeredAt }) => ({
      id,
      userId,
      topics,
      registeredAt,
    }));
    await first.relay.stop();
    hubs.length = 0;

    const second = await start(dataDir, { port: first.port });
    const after = second.relay.snapshot().clients.map(({ id, userId, topics, registeredAt }) => ({
      id,
      userId,
      topics,
      registeredAt,
    }));
    expect(after).toEqual(before);
    expect(after.map((c) => c.id)).not.toContain(gone);
    const again = await Device.connect(`ws://127.0.0.1:${second.port}/ws/${a.id}`);
    const received = again.waitForMessages(1);
    expect(await second.relay.publish({ topic: 'birds', message: 'back' })).toMatchObject({ delivered: 1 });
    await received;
    expect(again.messages).toEqual(['back']);
    await again.close();
  });

  it('expires registrations left unconnected past --expire-idle-ms, never connected ones', async () => {
    const dataDir = tempDir();
    const hub = await start(dataDir, { expireIdleMs: 1_000 });
    const idle = await postJson(hub.port, '/register', { user_id: 1 });
    const live = await Device.join(hub, 2);
    const expired = nextEvent(hub.relay, 'unregistered');
    // The sweep runs every second; the idle registration goes once it is older than 1 s.
    expect((await expired).id).toBe((idle.json as RegisterResponse).id);
    expect(hub.relay.snapshot().clients.map((c) => c.id)).toEqual([live.id]);
    await live.close();
  });

  it('refuses to start on a corrupt store, with the file to move aside', () => {
    const dataDir = tempDir();
    const relay = createRelay({ dataDir });
    relay.register(1);
    // A second writer appends garbage in the middle of the journal.
    appendFileSync(join(dataDir, 'registrations.jsonl'), 'garbage\n{"op":"seen","id":"x","at":1}\n');
    expect(() => createRelay({ dataDir })).toThrow(StoreError);
  });
});

afterEach(killClis);

describe('crash safety', () => {
  it('keeps every acknowledged registration through a SIGKILL in a burst', async () => {
    const dataDir = tempDir();
    const first = await runCli(dataDir, 0);
    const acked: RegisterResponse[] = [];
    let failed = 0;
    let stop = false;
    const killed = once(first.child, 'exit');
    // 32 concurrent writers registering as fast as they can; the hub is killed mid-burst.
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await postJson(first.port, '/register', { user_id: w * 1000 + i });
          if (res.status === 200) acked.push(res.json as RegisterResponse);
        } catch {
          failed++;
          return; // the hub is gone
        }
        if (acked.length === 300) first.child.kill('SIGKILL');
      }
    };
    const writers = Array.from({ length: 32 }, (_, w) => writer(w));
    expect((await killed)[1]).toBe('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(acked.length).toBeGreaterThanOrEqual(300);
    expect(failed).toBeGreaterThan(0); // requests really were in flight when it died

    const second = await runCli(dataDir, first.port);
    const health = (await rawRequest(second.port, 'GET', '/health')).json as { registered: number };
    expect(health.registered).toBeGreaterThanOrEqual(acked.length);
    expect(health.registered).toBeLessThanOrEqual(acked.length + 32); // at most the in-flight ones
    const devices = await Promise.all(acked.map(({ url }) => Device.connect(url)));
    const receipt = await postJson(second.port, '/publish', { topic: 'cats', message: 'after the crash' });
    expect((receipt.json as { delivered: number }).delivered).toBe(acked.length);
    await Promise.all(devices.map((d) => d.waitForMessages(1)));
    await Promise.all(devices.map((d) => d.close()));

    // Structured logs: JSON lines, and every registration line names its request and client.
    const lines = second
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'registrations restored')).toMatchObject({ registrations: health.registered });
    const connects = lines.filter((l) => l.msg === 'connected');
    expect(connects.length).toBe(acked.length);
    for (const line of connects) {
      expect(line.level).toBe(30);
      expect(typeof line.conn).toBe('number');
      expect(typeof line.client).toBe('string');
    }
    second.child.kill('SIGTERM');
    expect((await once(second.child, 'exit'))[0]).toBe(0);
  }, 60_000);
});

describe('one hub per data dir', () => {
  it('refuses a second hub on a data dir in use, and frees it on a clean exit', async () => {
    const dataDir = tempDir();
    const first = await runCli(dataDir, 0);
    const second = await spawnCli(['--host', '127.0.0.1', '--port', '0'], { RELAY_HUB_DATA_DIR: dataDir });
    let err = '';
    second.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect((await once(second, 'exit'))[0]).toBe(2);
    expect(err).toContain(`is in use by process ${first.child.pid}`);
    first.child.kill('SIGTERM');
    expect((await once(first.child, 'exit'))[0]).toBe(0);
    expect(existsSync(join(dataDir, 'hub.pid'))).toBe(false);
  });
});

/** Parses the CLI's stderr: every line must be one JSON object. */
const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('structured logs', () => {
  it('logs lifecycle, registrations and connections as JSON lines with ids; stdout stays human', async () => {
    const hub = await runCli(tempDir(), 0);
    const res = await rawRequest(hub.port, 'POST', '/register', '{"user_id": 5}', {
      'content-type': 'application/json',
      'x-request-id': 'req-42',
    });
    const { url, id } = res.json as RegisterResponse;
    const device = await Device.connect(url);
    for (let i = 0; i < 20; i++) await postJson(hub.port, '/publish', { topic: 'cats', message: `m${i}` });
    await device.waitForMessages(20);
    expect((await rawRequest(hub.port, 'DELETE', `/register/${id}`)).status).toBe(200);
    expect(await device.closed()).toBe(4000);
    hub.child.kill('SIGTERM');
    await once(hub.child, 'exit');

    expect(hub.stdout()).toMatch(/^Relay Hub listening on 127\.0\.0\.1:\d+\nDevices can reach it at:\n/);
    expect(hub.stdout()).not.toContain('"level"');
    const lines = jsonLines(hub.stderr());
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual([
      'registrations restored',
      'started',
      'registered',
      'connected',
      'unregistered',
      'disconnected',
      'stopped',
    ]); // never a line per publish
    for (const line of lines) expect(line).toMatchObject({ level: 30, pid: hub.child.pid });
    expect(lines[2]).toMatchObject({ req: 'req-42', client: id, user: 5 });
    expect(lines[3]).toMatchObject({ conn: 1, client: id, user: 5, remote: '127.0.0.1' });
    expect(lines[4]).toMatchObject({ req: expect.stringMatching(/^r\d+$/) as unknown, client: id });
    expect(lines[5]).toMatchObject({ conn: 1, client: id, reason: 'unregistered', code: 4000 });
  });

  it('logs a heartbeat termination with its connection', async () => {
    const hub = await runCli(tempDir(), 0, ['--heartbeat-ms', '100']);
    const { url, id } = (await postJson(hub.port, '/register', { user_id: 1 })).json as RegisterResponse;
    const mute = await Device.connect(url, { autoPong: false }); // never answers pings
    expect(await mute.closed()).toBe(1006);
    hub.child.kill('SIGTERM');
    await once(hub.child, 'exit');
    const lines = jsonLines(hub.stderr());
    const conn = lines.find((l) => l.msg === 'connected' && l.client === id)?.conn;
    expect(typeof conn).toBe('number');
    expect(lines.filter((l) => l.msg === 'heartbeat timeout')).toEqual([
      expect.objectContaining({ level: 40, client: id, user: 1, conn }),
    ]);
    expect(lines.find((l) => l.msg === 'disconnected')).toMatchObject({ conn, reason: 'heartbeat_timeout' });
  });

  it('logs a slow-consumer close once, with its connection', async () => {
    const hub = await runCli(tempDir(), 0, ['--max-buffered-bytes', '65536']);
    const { url, id } = (await postJson(hub.port, '/register', { user_id: 2 })).json as RegisterResponse;
    const slow = await Device.connect(url);
    rawSocketOf(slow.ws)?.pause(); // stops reading: kernel buffers fill, then the hub's backlog
    const message = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 4000 && !hub.stderr().includes('slow consumer'); i++) {
      await postJson(hub.port, '/publish', { topic: 'cats', message });
    }
    slow.ws.terminate();
    hub.child.kill('SIGTERM');
    await once(hub.child, 'exit');
    const lines = jsonLines(hub.stderr());
    const conn = lines.find((l) => l.msg === 'connected' && l.client === id)?.conn;
    expect(lines.filter((l) => l.msg === 'slow consumer')).toEqual([
      expect.objectContaining({ level: 40, client: id, user: 2, conn, policy: 'close' }),
    ]);
    expect(lines.find((l) => l.msg === 'disconnected')).toMatchObject({ conn, reason: 'slow_consumer' });
  });

  it('takes its level from --log-level or RELAY_HUB_LOG_LEVEL, and refuses unknown levels', async () => {
    const quiet = await runCli(tempDir(), 0, [], { RELAY_HUB_LOG_LEVEL: 'warn' });
    await postJson(quiet.port, '/register', { user_id: 1 });
    quiet.child.kill('SIGTERM');
    await once(quiet.child, 'exit');
    expect(quiet.stderr()).toBe('');
    const bad = await spawnCli(['--log-level', 'loud'], { RELAY_HUB_DATA_DIR: tempDir() });
    let err = '';
    bad.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect((await once(bad, 'exit'))[0]).toBe(2);
    expect(err).toContain('"logLevel" must be one of');
  });
});
