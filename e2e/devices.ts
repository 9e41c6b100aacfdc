/** Real devices for e2e tests: registered over HTTP, connected with `ws`, as the device API describes. */
import { once } from 'node:events';
import WebSocket from 'ws';
import type { RegisterResponse } from '../shared/api';

/** A registered, connected device that records what it receives. */
export interface Device {
  id: string;
  userId: number;
  url: string;
  socket: WebSocket;
  /** Resolves with the next text message (waits when none is queued). */
  next(): Promise<string>;
  /** Sends `{"topics": [...]}`. */
  subscribe(topics: string[]): void;
  /** Resolves with the close code once the hub closes the socket. */
  closed: Promise<number>;
  close(): void;
}

/** `POST /register` for `userId`. */
export async function register(baseUrl: string, userId: number): Promise<RegisterResponse> {
  const response = await fetch(`${baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId }),
  });
  if (!response.ok) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as RegisterResponse;
}

/** `POST /publish`; resolves with the delivery count. */
export async function publish(
  baseUrl: string,
  body: { topic: string; message: string; user_id?: number },
): Promise<number> {
  const response = await fetch(`${baseUrl}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { delivered: number }).delivered;
}

/** Registers a device for `userId`, opens its socket and subscribes to `topics` (when any). */
export async function connectDevice(baseUrl: string, userId: number, topics: string[] = []): Promise<Device> {
  const { url, id } = await register(baseUrl, userId);
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const waiters: ((text: string) => void)[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(text);
    else queue.push(text);
  });
  const closed = once(socket, 'close').then(([code]) => code as number);
  await once(socket, 'open');
  const device: Device = {
    id,
    userId,
    url,
    socket,
    next: () => {
      const queued = queue.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
    subscribe: (list) => socket.send(JSON.stringify({ topics: list })),
    closed,
    close: () => socket.close(),
  };
  if (topics.length > 0) device.subscribe(topics);
  return device;
}

/** Runs `task` for 0…count-1 with at most `limit` at a time. */
export async function inBatches<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < count) {
      const index = nextIndex++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** A device that only counts what it receives (thousands of them, under load, keep no messages). */
export interface QuietDevice {
  id: string;
  socket: WebSocket;
  received(): number;
  close(): void;
}

/** Registers, connects and subscribes a device that counts its messages and keeps none. */
export async function connectQuietDevice(baseUrl: string, userId: number, topics: string[]): Promise<QuietDevice> {
  const { url, id } = await register(baseUrl, userId);
  const socket = new WebSocket(url, { perMessageDeflate: false });
  let count = 0;
  socket.on('message', () => count++);
  socket.on('error', () => undefined); // surfaced by the close; a stopping hub may reset sockets
  await once(socket, 'open');
  socket.send(JSON.stringify({ topics }));
  return { id, socket, received: () => count, close: () => socket.terminate() };
}

/**
 * True for fetch's error when the server closed the connection before it answered: undici's
 * `other side closed`, or a reset when the request reached a socket the server had just closed.
 */
function closedByHub(error: unknown): boolean {
  const cause = error instanceof TypeError ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}

/** A steady publish load: `inFlight` requests at a time, paced to `perSecond`, until stopped. */
export function startLoad(
  baseUrl: string,
  options: { topic: () => string; bytes: number; perSecond: number; inFlight: number },
): { stop(): Promise<{ published: number; delivered: number; seconds: number }> } {
  let running = true;
  let published = 0;
  let delivered = 0;
  const started = Date.now();
  const padding = 'x'.repeat(Math.max(0, options.bytes - 12));
  const worker = async (): Promise<void> => {
    while (running) {
      // Paced: publish n waits until n / perSecond seconds have passed.
      const due = started + (published / options.perSecond) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!running) return;
      published++;
      const message = `${String(published).padStart(10, '0')} ${padding}`.slice(0, options.bytes);
      const body = { topic: options.topic(), message };
      const receipt = await publish(baseUrl, body).catch((error: unknown) => {
        // A kept-alive connection the hub had just closed as idle (5 s), taken up by this process
        // late (its event loop lags when the machine is saturated): the hub never read the
        // request. Once more, on a new connection; a hub that is gone fails it again.
        if (!closedByHub(error)) throw error;
        return publish(baseUrl, body);
      });
      delivered += receipt;
    }
  };
  const workers = Array.from({ length: options.inFlight }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { published, delivered, seconds: (Date.now() - started) / 1000 };
    },
  };
}
