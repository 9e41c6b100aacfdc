/**
 * The update checker with electron-updater itself (its NsisUpdater with the generic provider,
 * in plain Node: an app adapter instead of Electron's app, Node's http instead of Electron's net)
 * reading a real release feed — latest-linux.yml — from a local HTTP server.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import {
  createServer,
  request,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpExecutor } from 'builder-util-runtime';
import { NsisUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpdateChecker, runUpdateCommand, unsupportedReason, type UpdateState } from './updates';

/** Node's http for electron-updater (Electron's net is not here). */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }
}

/** What Electron's `app` would say, for an installed Relay Hub at `version`. */
function appAt(version: string): AppAdapter {
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-updater-'));
  return {
    version,
    name: 'Relay Hub',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
}

let server: Server | null = null;
afterEach(async () => {
  server?.close();
  if (server !== null) await once(server, 'close');
  server = null;
});

/** A release feed on 127.0.0.1: answers latest-linux.yml with `body` (or `status`); counts requests. */
async function feedServer(body: string, status = 200): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'text/yaml' });
    res.end(status === 200 ? body : 'no');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases/`, requests };
}

const latest = (version: string): string =>
  [
    `version: ${version}`,
    'files:',
    `  - url: Relay-Hub-${version}-x86_64.AppImage`,
    '    sha512: 3Zt4Z2GZ6lq5x0N1hJx0Wb0kE6w1O3h7Xy1m4vF8q9p3l0Ck2pQ6u2mWnB1r8cXy4j9f0A1bC2dE3fG4hI5jK6==',
    '    size: 104857600',
    `path: Relay-Hub-${version}-x86_64.AppImage`,
    'sha512: 3Zt4Z2GZ6lq5x0N1hJx0Wb0kE6w1O3h7Xy1m4vF8q9p3l0Ck2pQ6u2mWnB1r8cXy4j9f0A1bC2dE3fG4hI5jK6==',
    "releaseDate: '2026-12-01T10:00:00.000Z'",
    '',
  ].join('\n');

/** electron-updater's updater for `version` against the feed at `url`, checking only. */
function updater(version: string, url: string): NsisUpdater {
  const made = new NsisUpdater(null, appAt(version));
  (made as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeHttpExecutor();
  made.logger = null;
  made.autoDownload = false;
  made.autoInstallOnAppQuit = false;
  made.setFeedURL({ provider: 'generic', url });
  return made;
}

function checker(version: string, url: string, enabled = true, unsupported: string | null = null) {
  return createUpdateChecker({
    currentVersion: version,
    enabled: () => enabled,
    unsupported,
    feed: () => updater(version, url),
    now: () => 1_000,
  });
}

describe('createUpdateChecker with electron-updater', () => {
  it('finds a newer version in the release feed', async () => {
    const feed = await feedServer(latest('0.2.0'));
    const seen: UpdateState[] = [];
    const updates = checker('0.1.0', feed.url);
    updates.onChange((state) => seen.push(state));
    expect(await updates.check()).toEqual({ kind: 'available', version: '0.2.0', checkedAt: 1_000 });
    expect(seen.map((state) => state.kind)).toEqual(['checking', 'available']);
    expect(feed.requests).toEqual([expect.stringMatching(/^\/releases\/latest-linux\.yml/) as string]);
  });

  it('says the app is current when the feed holds the same version', async () => {
    const feed = await feedServer(latest('0.1.0'));
    expect(await checker('0.1.0', feed.url).check()).toEqual({ kind: 'current', checkedAt: 1_000 });
  });

  it('reports a feed that fails, in one line', async () => {
    const feed = await feedServer('', 500);
    const state = await checker('0.1.0', feed.url).check();
    expect(state.kind).toBe('failed');
    expect(state.kind === 'failed' && state.message).toMatch(/500/);
    expect(state.kind === 'failed' && state.message).not.toContain('\n');
  });

  it('asks nothing when the operator left it off (the default)', async () => {
    const feed = await feedServer(latest('0.2.0'));
    const updates = checker('0.1.0', feed.url, false);
    expect(await updates.check()).toEqual({ kind: 'off' });
    expect(updates.state()).toEqual({ kind: 'off' });
    expect(feed.requests).toEqual([]);
  });

  it('asks nothing for the portable build, even when turned on', async () => {
    const feed = await feedServer(latest('0.2.0'));
    const reason = unsupportedReason({ PORTABLE_EXECUTABLE_DIR: 'C:\\Apps' }, true);
    expect(reason).toContain('portable');
    expect(await checker('0.1.0', feed.url, true, reason).check()).toEqual({ kind: 'unsupported', reason });
    expect(feed.requests).toEqual([]);
    expect(unsupportedReason({}, true)).toBeNull();
    expect(unsupportedReason({}, false)).toContain('not an installed build');
  });
});

describe('runUpdateCommand', () => {
  it('answers the version and the state; with now, after asking the feed', async () => {
    const feed = await feedServer(latest('0.3.0'));
    const updates = checker('0.1.0', feed.url);
    expect(await runUpdateCommand(updates, { now: false })).toEqual({
      ok: true,
      value: { version: '0.1.0', state: { kind: 'idle' } },
    });
    expect(feed.requests).toEqual([]);
    expect(await runUpdateCommand(updates, { now: true })).toEqual({
      ok: true,
      value: { version: '0.1.0', state: { kind: 'available', version: '0.3.0', checkedAt: 1_000 } },
    });
    expect(await runUpdateCommand(updates, null)).toMatchObject({ ok: false, error: { code: 'invalid_body' } });
  });
});
