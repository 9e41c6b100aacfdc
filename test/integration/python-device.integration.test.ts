/**
 * examples/python/device.py, run by Debian's /usr/bin/python3 with python3-websockets, against
 * the real headless hub: register, subscribe in envelope mode, publish over the socket, receive,
 * reconnect after the hub is killed and restarted, and stop for good when unregistered.
 * `.ci/run` installs python3-websockets; without it this test fails and says how to install it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killClis, runCli } from '../support/cli';
import { Device, postJson, rawRequest, register } from '../support/relay';

const python = '/usr/bin/python3';
const script = join(process.cwd(), 'examples/python/device.py');
const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  killClis();
});

beforeAll(() => {
  const probe = spawnSync(python, ['-c', 'import websockets; print(websockets.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${python} cannot import websockets: install Debian's python3-websockets (apt-get install -y python3-websockets)`,
    );
  }
});

/** The Python device as a child process whose JSON-line events can be awaited. */
class PythonDevice {
  readonly events: Record<string, unknown>[] = [];
  readonly #waiters: {
    match: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  #buffer = '';
  stderr = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      let newline;
      while ((newline = this.#buffer.indexOf('\n')) !== -1) {
        const event = JSON.parse(this.#buffer.slice(0, newline)) as Record<string, unknown>;
        this.#buffer = this.#buffer.slice(newline + 1);
        this.events.push(event);
        for (const waiter of [...this.#waiters]) {
          if (!waiter.match(event)) continue;
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static start(args: string[]): PythonDevice {
    const child = spawn(python, [script, ...args]);
    running.push(child);
    return new PythonDevice(child);
  }

  /** The next event (from now on, or already seen after `since`) matching `fields`. */
  next(fields: Record<string, unknown>, since = 0): Promise<Record<string, unknown>> {
    const match = (e: Record<string, unknown>): boolean => Object.entries(fields).every(([k, v]) => e[k] === v);
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${JSON.stringify(fields)}; events: ${JSON.stringify(this.events)} ${this.stderr}`)),
        15_000,
      );
      this.#waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

describe('the Python device example', () => {
  it('registers, subscribes, publishes over its socket, and comes back after the hub is killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-python-'));
    const hub = await runCli(dataDir, 0);
    const reader = await Device.connect((await register(hub.port, 50)).url);
    const device = PythonDevice.start([
      ...['--hub', `http://127.0.0.1:${hub.port}`, '--user', '7', '--topics', 'cats,dogs'],
      ...['--publish', 'cats=hello from python', '--publish-hex', 'cats=00ff10'],
      ...['--count', '4', '--heartbeat', '1'],
    ]);
    const { id } = await device.next({ event: 'registered' });
    expect(await device.next({ event: 'ack', id: 1 })).toMatchObject({ delivered: 1 });
    expect(await device.next({ event: 'ack', id: 2 })).toMatchObject({ delivered: 1 });
    await reader.waitForFrames(2);
    expect(reader.frames.map((f) => [f.binary, [...f.data]])).toEqual([
      [false, [...Buffer.from('hello from python')]],
      [true, [0x00, 0xff, 0x10]],
    ]);
    await postJson(hub.port, '/publish', { topic: 'dogs', message: 'woof' });
    expect(await device.next({ event: 'message', message: 'woof' })).toMatchObject({ topic: 'dogs' });
    const bytes = await rawRequest(hub.port, 'POST', '/publish?topic=dogs', Buffer.from('deadbeef', 'hex'), {
      'content-type': 'application/octet-stream',
    });
    expect(bytes.status).toBe(200);
    expect(await device.next({ event: 'message', bytes_hex: 'deadbeef' })).toMatchObject({ topic: 'dogs', offset: 2 });

    hub.child.kill('SIGKILL');
    await once(hub.child, 'exit');
    const mark = device.events.length;
    await device.next({ event: 'reconnecting' }, mark);
    const again = await runCli(dataDir, hub.port);
    await device.next({ event: 'open' }, mark);
    await postJson(again.port, '/publish', { topic: 'cats', message: 'one' });
    await postJson(again.port, '/publish', { topic: 'cats', user_id: 7, message: 'two' });
    const [code] = (await once(device.child, 'exit')) as [number];
    expect(code).toBe(0);
    const messages = device.events.filter((e) => e.event === 'message').map((e) => [e.topic, e.message ?? e.bytes_hex]);
    expect(messages).toEqual([
      ['dogs', 'woof'],
      ['dogs', 'deadbeef'],
      ['cats', 'one'],
      ['cats', 'two'],
    ]);
    // The same registration throughout: the data dir kept it.
    expect(device.events.filter((e) => e.event === 'registered')).toEqual([{ event: 'registered', id }]);
  }, 60_000);

  it('stops for good, exit code 1, when the operator unregisters it', async () => {
    const hub = await runCli(mkdtempSync(join(tmpdir(), 'relay-hub-python-')), 0);
    const device = PythonDevice.start(['--hub', `http://127.0.0.1:${hub.port}`, '--user', '3']);
    const { id } = await device.next({ event: 'registered' });
    await device.next({ event: 'open' });
    expect((await rawRequest(hub.port, 'DELETE', `/register/${String(id)}`)).status).toBe(200);
    const [code] = (await once(device.child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(device.events.at(-1)).toEqual({ event: 'unregistered', id });
    expect((await register(hub.port, 1)).id).not.toBe(id); // the hub still serves others
  }, 30_000);
});
