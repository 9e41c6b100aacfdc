import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../electron/cli/args';
import { adminCommand, buildCli, Device, postJson, rawRequest } from '../support/relay';

let cli = '';
beforeAll(async () => {
  cli = await buildCli();
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}
const running: Running[] = [];
afterEach(() => {
  for (const { child } of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...process.env,
      NODE_PATH: join(process.cwd(), 'node_modules'),
      // Never the user's own data dir.
      RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-data-')),
      // MQTT off: never the default ports 1883 and 8883.
      RELAY_HUB_MQTT_PORT: 'off',
      RELAY_HUB_MQTTS_PORT: 'off',
      ...env,
    },
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const handle = { child, output: () => text };
  running.push(handle);
  return handle;
}

async function listening(handle: Running): Promise<number> {
  // The "Register a device" hint is printed after the listening line and the URLs.
  while (!/Register a device/.test(handle.output())) {
    if (handle.child.exitCode !== null) throw new Error(`exited: ${handle.output()}`);
    await once(handle.child.stdout, 'data');
  }
  return Number(/listening on .*:(\d+)/.exec(handle.output())?.[1]);
}

/** Waits until the process has printed something matching `pattern` (stdout or stderr). */
async function printed(handle: Running, pattern: RegExp): Promise<void> {
  while (!pattern.test(handle.output())) {
    if (handle.child.exitCode !== null) throw new Error(`exited: ${handle.output()}`);
    await Promise.race([once(handle.child.stdout, 'data'), once(handle.child.stderr, 'data')]);
  }
}

/** JSON request headers with a bearer token. */
const auth = (token: string): Record<string, string> => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
});

describe('relay-hub CLI', () => {
  it('serves the API, prints device URLs, and stops cleanly on SIGTERM', async () => {
    const hub = run(['--host', '127.0.0.1', '--port', '0']);
    const port = await listening(hub);
    expect(hub.output()).toContain(`http://127.0.0.1:${port}`);
    expect(hub.output()).toContain('curl -X POST');
    const res = await postJson(port, '/register', { user_id: 1 });
    const device = await Device.connect((res.json as { url: string }).url);
    hub.child.kill('SIGTERM');
    const [code] = (await once(hub.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(await device.closed()).toBe(1001);
    expect(hub.output()).toContain('stopped');
  });

  it('lists every LAN address when listening on 0.0.0.0', async () => {
    const hub = run(['--port', '0']);
    await listening(hub);
    expect(hub.output()).toMatch(/Devices can reach it at:\n(\s+http:\/\/[\d.]+:\d+\n)+/);
    hub.child.kill('SIGINT');
    expect((await once(hub.child, 'exit'))[0]).toBe(0);
  });

  it('exits non-zero with a clear message when the port is taken', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const hub = run(['--host', '127.0.0.1', '--port', String(port)]);
      const [code] = (await once(hub.child, 'exit')) as [number];
      expect(code).toBe(1);
      expect(hub.output()).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('takes options from environment variables, flags winning', async () => {
    const hub = run(['--port', '0'], {
      RELAY_HUB_HOST: '127.0.0.1',
      RELAY_HUB_PORT: '1',
      RELAY_HUB_MAX_BODY_BYTES: '10',
    });
    const port = await listening(hub);
    expect(port).not.toBe(1);
    const res = await rawRequest(port, 'POST', '/register', '{"user_id": 12345}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
  });

  it('--fsync and RELAY_HUB_FSYNC=1 reach the store: each acknowledged register and unregister is flushed', async () => {
    const fsyncs = async (port: number): Promise<number> => {
      const text = (await rawRequest(port, 'GET', '/metrics')).text;
      return Number(/^relay_hub_store_fsyncs_total (\d+)$/m.exec(text)?.[1]);
    };
    const hubs = [
      run(['--host', '127.0.0.1', '--port', '0', '--fsync']),
      run(['--host', '127.0.0.1', '--port', '0'], { RELAY_HUB_FSYNC: '1' }),
      run(['--host', '127.0.0.1', '--port', '0']),
    ];
    const flushed = await Promise.all(
      hubs.map(async (hub) => {
        const port = await listening(hub);
        const before = await fsyncs(port);
        const { id } = (await postJson(port, '/register', { user_id: 1 })).json as { id: string };
        await postJson(port, '/register', { user_id: 2 });
        await rawRequest(port, 'DELETE', `/register/${id}`);
        return [before, await fsyncs(port)];
      }),
    );
    // Two registrations and one removal, each flushed before its answer; none without the flag.
    expect(flushed).toEqual([
      [0, 3],
      [0, 3],
      [0, 0],
    ]);
  });

  it('reads the access token from --token-file and rotates it on SIGHUP without breaking devices', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-token-')), 'token');
    const first = 'first-token-0123456789';
    const second = 'second-token-9876543210';
    writeFileSync(file, `${first}\n`);
    const hub = run(['--host', '127.0.0.1', '--port', '0', '--token-file', file]);
    const port = await listening(hub);
    expect(hub.output()).toContain(`kill -HUP ${hub.child.pid}`);
    expect(hub.output()).not.toContain(first);
    const registered = await rawRequest(port, 'POST', '/register', '{"user_id": 1}', auth(first));
    const device = await Device.connect((registered.json as { url: string }).url);

    writeFileSync(file, `${second}\n`);
    hub.child.kill('SIGHUP');
    await printed(hub, /access token reloaded/);
    const publish = '{"topic": "cats", "message": "after rotation"}';
    expect((await rawRequest(port, 'POST', '/publish', publish, auth(first))).status).toBe(401);
    expect((await rawRequest(port, 'POST', '/publish', publish, auth(second))).json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);

    writeFileSync(file, '\n'); // a broken file keeps the current token
    hub.child.kill('SIGHUP');
    await printed(hub, /token file .* is empty.*keeping the current token/);
    expect((await rawRequest(port, 'POST', '/publish', publish, auth(second))).status).toBe(200);
    expect(hub.child.exitCode).toBe(null);
  });

  it('writes a token rotated from the dashboard to --token-file (SIGHUP keeps it) and will not remove it there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-token-'));
    const file = join(dir, 'token');
    const first = 'first-token-0123456789';
    writeFileSync(file, `${first}\n`, { mode: 0o640 });
    const admin = 'admin-token-0123456789';
    const hub = run([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--token-file',
      file,
      '--dashboard',
      '--dashboard-token',
      admin,
    ]);
    const port = await listening(hub);
    expect(hub.output()).toContain('or from the dashboard, which rewrites the file');
    const init = (await adminCommand(port, admin, 'getInit', null)) as { value: { config: { tokenFile: string } } };
    expect(init.value.config.tokenFile).toBe(file);
    const registered = await rawRequest(port, 'POST', '/register', '{"user_id": 1}', auth(first));
    const device = await Device.connect((registered.json as { url: string }).url);

    const rotated = (await adminCommand(port, admin, 'rotateAccessToken', null)) as {
      ok: true;
      value: { token: string };
    };
    const second = rotated.value.token;
    // The file holds the new token, keeps its mode, and no temporary file is left beside it.
    expect(readFileSync(file, 'utf8')).toBe(`${second}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['token']);
    const publish = '{"topic": "cats", "message": "after rotation"}';
    expect((await rawRequest(port, 'POST', '/publish', publish, auth(first))).status).toBe(401);
    hub.child.kill('SIGHUP'); // re-reads the file: the rotated token stays in force
    await printed(hub, /access token reloaded/);
    expect((await rawRequest(port, 'POST', '/publish', publish, auth(second))).json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);

    // Opening the hub from the dashboard would leave the file saying otherwise: refused, nothing changes.
    const removed = await adminCommand(port, admin, 'setAccessToken', { token: null });
    expect(removed).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    expect(JSON.stringify(removed)).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(`${second}\n`);
    expect((await rawRequest(port, 'POST', '/publish', publish)).status).toBe(401);
  });

  it('refuses an unreadable token file and --token with --token-file (exit 2)', async () => {
    const missing = run(['--port', '0', '--token-file', '/nonexistent/token']);
    expect((await once(missing.child, 'exit'))[0]).toBe(2);
    expect(missing.output()).toContain('cannot read the token file /nonexistent/token: ENOENT');
    const both = run(['--port', '0', '--token-file', '/x', '--token', 'a-long-enough-token-1234']);
    expect((await once(both.child, 'exit'))[0]).toBe(2);
    expect(both.output()).toContain('not both');
  });

  it('rejects bad flags with exit code 2 and prints help with --help', async () => {
    const bad = run(['--port', 'eighty']);
    expect((await once(bad.child, 'exit'))[0]).toBe(2);
    expect(bad.output()).toContain('--port must be a whole number');
    const help = run(['--help']);
    expect((await once(help.child, 'exit'))[0]).toBe(0);
    expect(help.output()).toContain('RELAY_HUB_PORT');
  });
});

describe('relay-hub CLI logs', () => {
  // `script` (util-linux) runs the CLI on a pseudo-terminal, as a person at a shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it('are JSON lines when stderr is not a terminal', async () => {
    const hub = run(['--host', '127.0.0.1', '--port', '0']);
    await listening(hub);
    await printed(hub, /"msg":"started"/);
    const started =
      hub
        .output()
        .split('\n')
        .find((line) => line.includes('"msg":"started"')) ?? '';
    expect(JSON.parse(started)).toMatchObject({ level: 30, msg: 'started', host: '127.0.0.1' });
    hub.child.kill('SIGTERM');
    await once(hub.child, 'exit');
  });

  it.skipIf(!hasScript)('are readable lines when stderr is a terminal', async () => {
    const command = [process.execPath, cli, '--host', '127.0.0.1', '--port', '0'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...process.env,
        NODE_PATH: join(process.cwd(), 'node_modules'),
        RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-data-')),
        NO_COLOR: '1',
      },
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    try {
      while (!/ INFO +started /.test(text)) {
        if (child.exitCode !== null) throw new Error(`exited: ${text}`);
        await once(child.stdout, 'data');
      }
      expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}started host=127\.0\.0\.1 port=\d+ urls=\[/m);
      expect(text).not.toContain('{"level"');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('parseCli', () => {
  it('maps flags and env to relay options', () => {
    expect(parseCli(['--host', 'h', '--slow-consumer', 'drop'], { RELAY_HUB_HEARTBEAT_MS: '500' })).toEqual({
      kind: 'run',
      relay: { host: 'h', slowConsumerPolicy: 'drop', heartbeatIntervalMs: 500 },
      dashboard: true,
    });
  });
  it('serves the dashboard unless --no-dashboard or RELAY_HUB_DASHBOARD=0 turns it off (the flag wins)', () => {
    const dashboard = (argv: string[], env: Record<string, string> = {}): unknown =>
      (parseCli(argv, env) as { dashboard: boolean }).dashboard;
    expect(dashboard([])).toBe(true);
    expect(dashboard(['--no-dashboard'])).toBe(false);
    expect(dashboard([], { RELAY_HUB_DASHBOARD: '0' })).toBe(false);
    expect(dashboard([], { RELAY_HUB_DASHBOARD: '1' })).toBe(true);
    expect(dashboard(['--dashboard'], { RELAY_HUB_DASHBOARD: '0' })).toBe(true);
    expect(dashboard(['--no-dashboard'], { RELAY_HUB_DASHBOARD: '1' })).toBe(false);
  });
  it('refuses unknown flags', () => {
    expect(() => parseCli(['--nope'], {})).toThrow();
  });
  it('takes durations for millisecond options (30s, 7d), and says what it expects', () => {
    expect(parseCli(['--heartbeat-ms', '30s', '--expire-idle-ms', '7d'], {})).toMatchObject({
      relay: { heartbeatIntervalMs: 30_000, expireIdleMs: 604_800_000 },
    });
    expect(parseCli([], { RELAY_HUB_HISTORY_TTL_MS: '1 h' })).toMatchObject({ relay: { historyTtlMs: 3_600_000 } });
    expect(() => parseCli(['--heartbeat-ms', 'soon'], {})).toThrow(/must be a duration like 30s/);
  });
});
