/**
 * Test support for real-socket tests: a relay on 127.0.0.1 port 0, HTTP helpers, and device
 * clients (real `ws` sockets) whose messages can be awaited. Used only by *.test.ts files.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { request } from 'node:http';
import WebSocket from 'ws';
import type { RegisterResponse } from '../../shared/api';
import type { RelayEvent } from '../../shared/hub';
import { createRelay, type Relay, type RelayOptions } from '../../electron/relay/index';

/** A started relay and its base URL. */
export interface TestHub {
  relay: Relay;
  port: number;
  base: string;
}

/** Starts a relay on 127.0.0.1, port 0 (heartbeat and per-IP rate limits off unless asked). */
export async function startHub(options: Partial<RelayOptions> = {}): Promise<TestHub> {
  const relay = createRelay({
    host: '127.0.0.1',
    port: 0,
    heartbeatIntervalMs: 0,
    registerRatePerSec: 0,
    publishRatePerSec: 0,
    ...options,
  });
  const info = await relay.start();
  return { relay, port: info.port, base: `http://127.0.0.1:${info.port}` };
}

/** A raw HTTP answer. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Sends one HTTP request with full control over headers and body (no fetch normalisation). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON; callers assert on text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** POSTs JSON. */
export function postJson(port: number, path: string, value: unknown): Promise<RawResponse> {
  return rawRequest(port, 'POST', path, JSON.stringify(value), { 'content-type': 'application/json' });
}

/** Registers a user and returns the answer. */
export async function register(port: number, userId: number): Promise<RegisterResponse> {
  const res = await postJson(port, '/register', { user_id: userId });
  if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.text}`);
  return res.json as RegisterResponse;
}

/**
 * The value of one sample of `GET /metrics`, named exactly as exported (`name` or `name{labels}`),
 * or undefined when the hub does not export it.
 */
export async function metricSample(
  port: number,
  sample: string,
  headers: Record<string, string> = {},
): Promise<number | undefined> {
  const res = await rawRequest(port, 'GET', '/metrics', undefined, headers);
  if (res.status !== 200) throw new Error(`/metrics: ${res.status} ${res.text}`);
  for (const line of res.text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (!line.startsWith('#') && line.slice(0, space) === sample) return Number(line.slice(space + 1));
  }
  return undefined;
}

/** A device: a real `ws` client that records every message (text in `messages`, all in `frames`) and its close. */
export class Device {
  readonly messages: string[] = [];
  /** Every message in order, text or binary. */
  readonly frames: { binary: boolean; data: Buffer }[] = [];
  closeCode: number | null = null;
  readonly #waiters: { count: number; frames: boolean; resolve: () => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push({ binary: isBinary, data });
      if (!isBinary) this.messages.push(data.toString('utf8'));
      for (const waiter of [...this.#waiters]) {
        if ((waiter.frames ? this.frames : this.messages).length >= waiter.count) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
    ws.on('error', () => {
      // surfaced through 'close' / open failure
    });
  }

  /** Connects to a socket URL and waits for the open. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Device> {
    const ws = new WebSocket(url, options);
    const device = new Device(ws);
    await once(ws, 'open');
    return device;
  }

  /** Registers `userId` on the hub and connects. */
  static async join(hub: TestHub, userId: number): Promise<Device & { id: string }> {
    const { url, id } = await register(hub.port, userId);
    const device = await Device.connect(url);
    return Object.assign(device, { id });
  }

  /** Resolves once `count` text messages in total have arrived. */
  waitForMessages(count: number): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, frames: false, resolve }));
  }

  /** Resolves once `count` messages, text or binary, have arrived. */
  waitForFrames(count: number): Promise<void> {
    if (this.frames.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, frames: true, resolve }));
  }

  /** Resolves with the close code. */
  async closed(): Promise<number> {
    if (this.closeCode !== null) return this.closeCode;
    const [code] = (await once(this.ws, 'close')) as [number];
    return code;
  }

  /** Sends a text frame. */
  send(text: string): void {
    this.ws.send(text);
  }

  /** Sets the topic set and waits until the hub has applied exactly that set. */
  async setTopics(hub: TestHub, topics: string[]): Promise<void> {
    const wanted = JSON.stringify(topics);
    const applied = nextEvent(hub.relay, 'topics', (event) => JSON.stringify(event.topics) === wanted);
    this.send(JSON.stringify({ topics }));
    await applied;
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

/** Waits for the next relay event of a type (optionally matching a predicate). */
export function nextEvent<T extends RelayEvent['type']>(
  relay: Relay,
  type: T,
  match: (event: Extract<RelayEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<RelayEvent, { type: T }>> {
  return new Promise((resolve) => {
    const off = relay.on((event) => {
      if (event.type !== type) return;
      const typed = event as Extract<RelayEvent, { type: T }>;
      if (!match(typed)) return;
      off();
      resolve(typed);
    });
  });
}

/** Bundles the CLI exactly as shipped (one file run by plain node) into a temp dir; returns its path. */
export async function buildCli(): Promise<string> {
  return bundleForNode('electron/cli/bin.ts', join(mkdtempSync(join(tmpdir(), 'relay-hub-cli-')), 'relay-hub.cjs'));
}

/** Bundles `entry` as one CommonJS file for plain node (dependencies from node_modules); returns `outfile`. */
export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    absWorkingDir: process.cwd(),
    nodePaths: [join(process.cwd(), 'node_modules')],
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Runs one command over the dashboard's admin socket (`/admin?token=`) and returns its result;
 * with `ca`, over wss trusting that certificate.
 */
export async function adminCommand(
  port: number,
  token: string,
  name: string,
  arg: unknown,
  { ca }: { ca?: Buffer } = {},
): Promise<unknown> {
  const scheme = ca === undefined ? 'ws' : 'wss';
  const admin = new WebSocket(`${scheme}://127.0.0.1:${port}/admin?token=${encodeURIComponent(token)}`, { ca });
  try {
    await once(admin, 'open');
    // Feed updates may come first: wait for the command's result.
    const answer = new Promise<unknown>((resolve) =>
      admin.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: unknown };
        if (frame.type === 'result' && frame.id === 1) resolve(frame.result);
      }),
    );
    admin.send(JSON.stringify({ type: 'command', id: 1, name, arg }));
    return await answer;
  } finally {
    admin.close();
  }
}
