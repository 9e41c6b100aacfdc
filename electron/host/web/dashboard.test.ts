import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AdminServerFrame } from '../../../shared/admin';
import type { CommandResult, HubUpdate } from '../../../shared/ipc';
import { tokensMatch } from '../../relay/index';
import { dashboardCsp } from './dashboard';
import { createHubHost, type HubHost } from '../host';
import { Device, rawRequest, register } from '../../../test/support/relay';

let staticDir = '';
beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'relay-hub-dash-'));
  staticDir = join(root, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Relay Hub</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'secret.txt'), 'do not serve');
});

const token = 'test-token-0123456789abcdef';
let host: HubHost | null = null;
const sockets: WebSocket[] = [];
const devices: Device[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await host?.stop();
  host = null;
});

async function startDashboardHub(): Promise<{ host: HubHost; port: number }> {
  host = createHubHost({
    relay: { host: '127.0.0.1', port: 0, heartbeatIntervalMs: 0 },
    dashboard: { staticDir, token },
  });
  const status = await host.start();
  return { host, port: status.listen?.port ?? 0 };
}

/** Tries an admin socket; resolves with the HTTP status and body of a refused upgrade. */
function refused(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}

/** An admin client that records frames and can await one. */
class Admin {
  readonly frames: AdminServerFrame[] = [];
  #waiters: { match: (f: AdminServerFrame) => boolean; resolve: (f: AdminServerFrame) => void }[] = [];
  #nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as AdminServerFrame;
      this.frames.push(frame);
      for (const w of [...this.#waiters]) {
        if (!w.match(frame)) continue;
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    });
  }

  static async connect(port: number): Promise<Admin> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/admin?token=${token}`);
    sockets.push(ws);
    await once(ws, 'open');
    return new Admin(ws);
  }

  next(match: (f: AdminServerFrame) => boolean): Promise<AdminServerFrame> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  async command(name: string, arg: unknown): Promise<CommandResult<never>> {
    const id = this.#nextId++;
    const answer = this.next((f) => f.type === 'result' && f.id === id);
    this.ws.send(JSON.stringify({ type: 'command', id, name, arg }));
    const frame = await answer;
    if (frame.type !== 'result') throw new Error('unreachable');
    return frame.result as CommandResult<never>;
  }

  update(match: (u: HubUpdate) => boolean): Promise<HubUpdate> {
    return this.next((f) => f.type === 'update' && match(f.update)).then((f) => (f as { update: HubUpdate }).update);
  }
}

describe('dashboard', () => {
  it('refuses the admin socket without the right token, with HTTP 401 before any upgrade', async () => {
    const { port } = await startDashboardHub();
    for (const query of ['', '?token=', '?token=wrong', `?token=${token}x`, `?token=${token.slice(0, -1)}`]) {
      const answer = await refused(`ws://127.0.0.1:${port}/admin${query}`);
      expect(answer.status, query).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch('', '')).toBe(false);
  });

  it('serves the built renderer with content types and security headers, and refuses traversal', async () => {
    const { port } = await startDashboardHub();
    const redirect = await rawRequest(port, 'GET', '/dashboard');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/dashboard/');

    const page = await rawRequest(port, 'GET', '/dashboard/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Relay Hub</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(dashboardCsp);
    expect(page.headers['x-content-type-options']).toBe('nosniff');

    const script = await rawRequest(port, 'GET', '/dashboard/assets/app.js?v=1');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.text).toBe('console.log(1);');
    expect((await rawRequest(port, 'GET', '/dashboard/assets/app.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );

    for (const path of [
      '/dashboard/../secret.txt',
      '/dashboard/%2e%2e/secret.txt',
      '/dashboard/..%2fsecret.txt',
      '/dashboard/assets/..%2f..%2fsecret.txt',
      '/dashboard/%00',
      '/dashboard/assets',
      '/dashboard/missing.js',
    ]) {
      const res = await rawRequest(port, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('do not serve');
    }
    expect((await rawRequest(port, 'POST', '/dashboard/', '{}')).status).toBe(405);
    // The device API is untouched.
    expect((await rawRequest(port, 'GET', '/health')).status).toBe(200);
  });

  it('pushes an update to the admin socket when a device registers', async () => {
    const { port } = await startDashboardHub();
    const admin = await Admin.connect(port);
    const init = await admin.command('getInit', null);
    expect(init).toMatchObject({ ok: true, value: { status: { state: 'running' }, clients: [] } });
    const seen = admin.update((u) => (u.upserts ?? []).length > 0);
    const { id } = await register(port, 42);
    const update = await seen;
    expect(update.upserts?.[0]).toMatchObject({ id, userId: 42, connected: false });
    expect(update.log.some((e) => e.text === `user 42 registered ${id.slice(0, 8)}…`)).toBe(true);
  });

  it('runs a publish command that reaches a real device', async () => {
    const { port } = await startDashboardHub();
    const { url } = await register(port, 1);
    const device = await Device.connect(url);
    devices.push(device);
    const admin = await Admin.connect(port);
    const result = await admin.command('publish', { topic: 'cats', message: 'from the dashboard' });
    expect(result).toMatchObject({ ok: true, value: { delivered: 1, offset: 1 } });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['from the dashboard']);
    expect(await admin.command('publish', { topic: 'cats' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    // The headless hub has no window: its settings apply live, but this one is the desktop app's.
    expect(await admin.command('setSettings', { quitOnClose: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_settings' },
    });
  });

  it('closes an admin socket that sends a malformed frame, and lets the hub stop with sockets open', async () => {
    const { host, port } = await startDashboardHub();
    const admin = await Admin.connect(port);
    const closed = once(admin.ws, 'close');
    admin.ws.send('not json');
    expect(((await closed) as [number])[0]).toBe(1007);
    const other = await Admin.connect(port);
    const otherClosed = once(other.ws, 'close');
    await host.stop();
    expect(((await otherClosed) as [number])[0]).toBe(1001);
  });
});
