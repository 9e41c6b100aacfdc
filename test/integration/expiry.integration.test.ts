/**
 * Registrations that do not pile up (the rules themselves: electron/relay/core/access/expiry.test.ts): the two expiry rules on a running hub (with the metric and the
 * event the GUI's live log shows), registering again by name, and the boot-time re-registration
 * storm that used to fill data dirs — 10,000 registrations of 100 named devices leave 100.
 */
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import type { RelayEvent } from '../../shared/hub';
import { Device, metricSample, postJson, rawRequest, startHub, type TestHub } from '../support/relay';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-expiry-'));

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((hub) => hub.relay.stop()));
  hubs = [];
});

async function start(options: Parameters<typeof startHub>[0] = {}): Promise<TestHub> {
  const hub = await startHub(options);
  hubs.push(hub);
  return hub;
}

describe('expiry on a running hub', () => {
  it('removes the never-connected and the idle, keeps the connected; counted, and told to the GUI', async () => {
    const hub = await start({ dataDir: tempDir(), expireUnconnectedMs: 1_000, expireIdleMs: 2_000 });
    const events: RelayEvent[] = [];
    hub.relay.on((event) => events.push(event));
    const never = (await postJson(hub.port, '/register', { user_id: 1 })).json as RegisterResponse;
    const idle = await Device.join(hub, 2);
    const live = await Device.join(hub, 3);
    await idle.close();
    const gone = (): string[] =>
      events.flatMap((event) => (event.type === 'unregistered' ? [`${event.id} ${event.reason}`] : []));
    while (gone().length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone()).toEqual([`${never.id} never_connected`, `${idle.id} idle`]);
    expect(hub.relay.snapshot().clients.map((c) => c.id)).toEqual([live.id]);
    expect(await metricSample(hub.port, 'relay_hub_registrations_expired_total{reason="never_connected"}')).toBe(1);
    expect(await metricSample(hub.port, 'relay_hub_registrations_expired_total{reason="idle"}')).toBe(1);
    expect((await rawRequest(hub.port, 'GET', `/ws/${never.id}`)).status).toBe(404);
    await live.close();
  });

  it('has defaults that suit a LAN: 15 minutes never connected, 7 days idle', async () => {
    const hub = await start();
    expect(hub.relay.options).toMatchObject({ expireUnconnectedMs: 15 * 60_000, expireIdleMs: 7 * 24 * 3_600_000 });
  });

  it('the operator removes every registration disconnected for more than a while', async () => {
    const hub = await start();
    const old = await Device.join(hub, 1);
    await old.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const recent = await Device.join(hub, 2);
    await recent.close();
    const live = await Device.join(hub, 3);
    expect(hub.relay.removeDisconnected(250)).toBe(1);
    expect(hub.relay.snapshot().clients.map((c) => c.id)).toEqual([recent.id, live.id]);
    expect(hub.relay.removeDisconnected(0)).toBe(1);
    expect(hub.relay.snapshot().clients.map((c) => c.id)).toEqual([live.id]);
    await live.close();
  });
});

describe('registering by name', () => {
  it('gives the same id and URL back for the same name, 409 for another user, and keeps it across a restart', async () => {
    const dataDir = tempDir();
    const hub = await start({ dataDir });
    const first = (await postJson(hub.port, '/register', { user_id: 1, name: 'kitchen-display' })).json;
    const again = await postJson(hub.port, '/register', { user_id: 1, name: 'kitchen-display' });
    expect(again.json).toEqual(first);
    const taken = await postJson(hub.port, '/register', { user_id: 2, name: 'kitchen-display' });
    expect([taken.status, taken.json]).toEqual([
      409,
      { error: { code: 'name_taken', message: expect.stringContaining('user 1') as string } },
    ]);
    // Without a name nothing changes: a new registration each time.
    const plain = await Promise.all([1, 2].map(() => postJson(hub.port, '/register', { user_id: 1 })));
    expect(new Set(plain.map((res) => (res.json as RegisterResponse).id)).size).toBe(2);
    for (const name of ['', 'x'.repeat(101), 42]) {
      const bad = await postJson(hub.port, '/register', { user_id: 1, name });
      expect([bad.status, (bad.json as { error: { code: string } }).error.code]).toEqual([400, 'invalid_body']);
    }
    expect(hub.relay.snapshot().clients.find((c) => c.name === 'kitchen-display')?.id).toBe(
      (first as RegisterResponse).id,
    );
    await hub.relay.stop();
    hubs = [];
    const restarted = await start({ dataDir });
    const afterRestart = await postJson(restarted.port, '/register', { user_id: 1, name: 'kitchen-display' });
    expect((afterRestart.json as RegisterResponse).id).toBe((first as RegisterResponse).id);
  });

  it('10,000 boot-time registrations of 100 named devices leave 100 registrations', async () => {
    const hub = await start({ dataDir: tempDir() });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const registerNamed = (name: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ user_id: Number(name.slice(7)) % 10, name });
        const req = request(
          {
            host: '127.0.0.1',
            port: hub.port,
            method: 'POST',
            path: '/register',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () =>
              res.statusCode === 200 ? resolve((JSON.parse(text) as RegisterResponse).id) : reject(new Error(text)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const ids = new Map<string, Set<string>>();
    for (let boot = 0; boot < 100; boot++) {
      const round = await Promise.all(Array.from({ length: 100 }, (_, device) => registerNamed(`device-${device}`)));
      round.forEach((id, device) => {
        const seen = ids.get(`device-${device}`) ?? new Set<string>();
        seen.add(id);
        ids.set(`device-${device}`, seen);
      });
    }
    agent.destroy();
    expect(hub.relay.stats().registered).toBe(100);
    expect([...ids.values()].every((seen) => seen.size === 1)).toBe(true);
    expect((await rawRequest(hub.port, 'GET', '/health')).json).toMatchObject({ registered: 100 });
  }, 60_000);
});
