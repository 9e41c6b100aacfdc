/**
 * The soak driver (test support, not shipped): `clients` device slots loop register → connect →
 * subscribe → (grow the topic set) → leave → unregister, while publishers send numbered broadcasts
 * and user-targeted messages. Each subscription is confirmed (a ping round trip); from then on the
 * socket must receive every message of its streams until it starts leaving. Devices leave three
 * ways: unregistered while connected (the hub closes them, 4000: everything answered before the
 * DELETE must have arrived), or, after a barrier message to their private topic proved that
 * everything answered so far has arrived, closing or cutting their own socket mid-flight (what is
 * answered after the barrier may be lost, bounded) or reconnecting on the same URL first.
 */
import { Agent, request } from 'node:http';
import { Ledger, type LedgerTotals, type Stream } from './ledger';
import { SocketPublisher } from './publisher';
import { SoakSocket, within, type Publish } from './socket';

/** How hard to soak. */
export interface SoakConfig {
  port: number;
  /** Live device slots (each one socket at a time). */
  clients: number;
  /** Distinct user ids (several clients per user). */
  users: number;
  /** Broadcast topics `s0..`; each socket subscribes to two, sometimes three. */
  topics: number;
  /** Length of the churn, in seconds. */
  seconds: number;
  broadcastsPerSec: number;
  directsPerSec: number;
  /** Slots start spread over this many ms (default 2,000), not in one burst. */
  rampMs?: number;
  /** How long one socket lives, in ms (uniform in [min, max]). */
  lifetimeMs: readonly [number, number];
  /** Called once every slot has connected once (the end of the ramp-up). */
  onRampedUp?: () => void;
  /** Updated as the soak runs (for samplers). */
  progress?: { cycles: number; connections: number };
  /** After `seconds`, keep going (up to `maxSeconds`) until this holds: e.g. enough cycles for a memory check. */
  until?: () => boolean;
  maxSeconds?: number;
}

/** What a soak run did and found. */
export interface SoakResult extends LedgerTotals {
  /** Registration cycles completed (register … unregister). */
  cycles: number;
  /** Sockets opened. */
  connections: number;
  /** Sockets that left each way. */
  departures: { unregistered: number; closed: number; cut: number; reconnected: number };
  /** Publishes of the streams by the way they went: over HTTP or a device's socket, as text or bytes. */
  paths: { http: number; httpBytes: number; socket: number; socketBytes: number };
  /** Devices that published over their sockets (registered once, unregistered at the end). */
  publishers: number;
  /** How many sockets ended with a code the test did not cause, by code. */
  unexpectedCloses: Record<string, number>;
  rampUpMs: number;
  elapsedMs: number;
}

const opTimeoutMs = 15_000;
const directWorkers = 8;
const idleSocketMs = 4_000;

/** Runs one soak against a hub listening on 127.0.0.1:`port`; every registration is gone when it resolves. */
export async function runSoak(config: SoakConfig): Promise<SoakResult> {
  const users = Array.from({ length: config.users }, (_, i) => i + 1);
  const ledger = new Ledger(config.topics, users);
  // Publishers get connections of their own: they must not queue behind the devices' requests.
  // Idle sockets are dropped after 4 s, before the hub's 5 s keep-alive timeout: Node's agent only
  // honours the server's `Keep-Alive: timeout=5` hint when it has a timeout of its own, and reusing
  // a socket the hub is closing at that moment fails with "socket hang up".
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: idleSocketMs });
  const publishAgent = new Agent({ keepAlive: true, maxSockets: config.topics + directWorkers, timeout: idleSocketMs });
  const started = Date.now();
  const result: SoakResult = {
    ...ledger.totals(),
    cycles: 0,
    connections: 0,
    departures: { unregistered: 0, closed: 0, cut: 0, reconnected: 0 },
    paths: { http: 0, httpBytes: 0, socket: 0, socketBytes: 0 },
    publishers: 0,
    unexpectedCloses: {},
    rampUpMs: 0,
    elapsedMs: 0,
  };
  let stopping = false;
  let wake: (() => void)[] = [];
  const stop = (): void => {
    stopping = true;
    for (const resolve of wake.splice(0)) resolve();
  };
  /** Waits `ms` (pacing, not synchronisation); returns early when the soak stops. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopping) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        wake = wake.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.push(done);
    });
  const http = (
    method: string,
    path: string,
    body?: unknown,
    via: Agent = agent,
  ): Promise<{ status: number; json: unknown }> =>
    within(
      new Promise((resolve, reject) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
        const req = request({ host: '127.0.0.1', port: config.port, method, path, agent: via, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode ?? 0, json: raw === '' ? null : (JSON.parse(raw) as unknown) });
          });
          res.on('error', reject);
        });
        req.on('error', (error) => reject(new Error(`${method} ${path}: ${error.message}`, { cause: error })));
        req.end(text);
      }),
      opTimeoutMs,
      `${method} ${path}`,
    );
  const ok = async (method: string, path: string, body?: unknown, via: Agent = agent): Promise<unknown> => {
    const res = await http(method, path, body, via);
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };

  /** A device's own publish (a barrier to its private topic), on the devices' connections. */
  const publishFromDevice: Publish = async (topic, message) =>
    ((await ok('POST', '/publish', { topic, message })) as { delivered: number }).delivered;
  /**
   * One message of a stream, by one of four ways: JSON or bytes over HTTP, or a text or binary
   * publish frame over a publishing device's socket. Streams are sequential, so their order is the
   * hub's whichever way each message goes.
   */
  const publish = async (stream: Stream): Promise<void> => {
    const seq = stream.begin();
    const { topic, userId } = stream;
    const message = stream.message(seq);
    const way = random(4);
    let delivered: number;
    if (way < 2 && socketPublishers.length > 0) {
      const device = socketPublishers[random(socketPublishers.length)] as SocketPublisher;
      delivered = await device.publish(topic, message, userId, way === 1, opTimeoutMs);
      if (way === 1) result.paths.socketBytes++;
      else result.paths.socket++;
    } else if (way === 2) {
      const query = `topic=${encodeURIComponent(topic)}${userId === null ? '' : `&user_id=${userId}`}`;
      delivered = ((await okBytes(`/publish?${query}`, Buffer.from(message))) as { delivered: number }).delivered;
      result.paths.httpBytes++;
    } else {
      const body = { topic, message, ...(userId === null ? {} : { user_id: userId }) };
      delivered = ((await ok('POST', '/publish', body, publishAgent)) as { delivered: number }).delivered;
      result.paths.http++;
    }
    stream.end(seq, delivered);
  };
  /** A binary publish over HTTP (octet-stream), on the publishers' connections. */
  const okBytes = (path: string, bytes: Buffer): Promise<unknown> =>
    within(
      new Promise((resolve, reject) => {
        const headers = { 'content-type': 'application/octet-stream' };
        const req = request(
          { host: '127.0.0.1', port: config.port, method: 'POST', path, agent: publishAgent, headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const raw = Buffer.concat(chunks).toString();
              if (res.statusCode === 200) resolve(JSON.parse(raw) as unknown);
              else reject(new Error(`POST ${path}: ${res.statusCode ?? 0} ${raw}`));
            });
          },
        );
        req.on('error', reject);
        req.end(bytes);
      }),
      opTimeoutMs,
      `POST ${path}`,
    );
  /** Devices that publish over their own sockets (registered once, never churned). */
  const socketPublishers: SocketPublisher[] = [];
  const publisherIds: string[] = [];
  /** Sends `perSec` publishes a second in total from `workers` loops, each stream one at a time. */
  const publisher = async (perSec: number, workers: number, pick: () => Stream | undefined): Promise<void> => {
    const begin = Date.now();
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (!stopping) {
        const ahead = begin + (sent / perSec) * 1000 - Date.now();
        if (ahead > 0) {
          await pause(ahead);
          continue;
        }
        const stream = pick();
        if (!stream) {
          await pause(1);
          continue;
        }
        sent++;
        await publish(stream);
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  };
  const random = (n: number): number => Math.floor(Math.random() * n);
  const idle = (streams: Stream[]): Stream | undefined => {
    for (let tries = 0; tries < 8; tries++) {
      const stream = streams[random(streams.length)];
      if (stream && !stream.busy) return stream;
    }
    return undefined;
  };
  const directStreams = [...ledger.direct.values()];

  let privateTopic = 0;
  const topicSet = (): string[] => {
    const first = random(config.topics);
    const second = (first + 1 + random(config.topics - 1)) % config.topics;
    return ['d', `s${first}`, `s${second}`, `p${privateTopic++}`];
  };
  const expectClose = (code: number | null, wanted: readonly number[]): void => {
    if (code !== null && !wanted.includes(code)) {
      result.unexpectedCloses[code] = (result.unexpectedCloses[code] ?? 0) + 1;
    }
  };

  let rampedUp = 0;
  /** One device slot: register, then sockets on that registration until it leaves; repeat. */
  const slot = async (index: number): Promise<void> => {
    // The ramp: slots start spread over `rampMs`, not all in one burst.
    await pause((index / config.clients) * (config.rampMs ?? 2_000));
    let first = true;
    while (!stopping || first) {
      const userId = users[(index + result.cycles) % users.length] ?? 1;
      const { url, id } = (await ok('POST', '/register', { user_id: userId })) as { url: string; id: string };
      let socket = await SoakSocket.open(url, userId, ledger, opTimeoutMs);
      result.connections++;
      if (config.progress) config.progress.connections++;
      if (first) {
        first = false;
        if (++rampedUp === config.clients) {
          result.rampUpMs = Date.now() - started;
          config.onRampedUp?.();
        }
      }
      let topics = topicSet();
      await socket.subscribe(topics, opTimeoutMs);
      for (;;) {
        const [min, max] = config.lifetimeMs;
        await pause(min + random(max - min));
        if (!stopping && Math.random() < 0.3) {
          // Grow the set: tracked streams keep their order checks, the new one starts at its first message.
          topics = [...topics, `s${random(config.topics)}`];
          await socket.subscribe(topics, opTimeoutMs);
          await pause(random(max - min) / 2);
        }
        // Closed by the hub before the device chose to leave: counted, never expected.
        expectClose(socket.closeCode, []);
        const how = stopping ? random(2) : random(4);
        if (how === 0) {
          // Unregistered while connected: the hub flushes what it counted, then closes 4000, so
          // everything answered before the DELETE has arrived by the close.
          const upTo = socket.checkpoint();
          await ok('DELETE', `/register/${id}`);
          expectClose(await socket.closed(opTimeoutMs), [4000]);
          socket.verify(upTo);
          result.departures.unregistered++;
          break;
        }
        // Everything answered so far must have arrived; what is answered from now on may be lost.
        const upTo = await socket.barrier(publishFromDevice, opTimeoutMs);
        if (how === 1 || how === 3) {
          socket.ws.close(1000, 'bye');
          expectClose(await socket.closed(opTimeoutMs), [1000]);
        } else {
          socket.ws.terminate();
          await socket.closed(opTimeoutMs);
        }
        if (how === 3) {
          // Back on the same URL; once it is open the old socket gets nothing more.
          // The registration keeps its topics: the new socket gets them from its first frame.
          const next = await SoakSocket.open(url, userId, ledger, opTimeoutMs, topics);
          socket.excuseInFlight(upTo);
          result.connections++;
          if (config.progress) config.progress.connections++;
          result.departures.reconnected++;
          socket = next;
          continue;
        }
        await ok('DELETE', `/register/${id}`);
        socket.excuseInFlight(upTo);
        if (how === 1) result.departures.closed++;
        else result.departures.cut++;
        break;
      }
      result.cycles++;
      if (config.progress) config.progress.cycles++;
    }
  };

  const cap = started + (config.maxSeconds ?? config.seconds) * 1000;
  const enough = (): void => {
    if (stopping) return;
    if (!config.until || config.until() || Date.now() >= cap) stop();
    else deadline = setTimeout(enough, 250);
  };
  let deadline = setTimeout(enough, config.seconds * 1000);
  try {
    for (let i = 0; i < 4; i++) {
      const { url, id } = (await ok('POST', '/register', { user_id: 0 })) as { url: string; id: string };
      socketPublishers.push(await SocketPublisher.open(url, opTimeoutMs));
      publisherIds.push(id);
      result.publishers++;
    }
    const slots = Promise.all(Array.from({ length: config.clients }, (_, i) => slot(i)));
    const publishers = Promise.all([
      publisher(config.broadcastsPerSec, config.topics, () => idle(ledger.broadcast)),
      publisher(config.directsPerSec, directWorkers, () => idle(directStreams)),
    ]);
    // Whatever fails first stops the rest (so nothing hangs), then the failure is reported.
    const stopOnFailure = (error: unknown): never => {
      stop();
      throw error;
    };
    await Promise.all([slots.catch(stopOnFailure), publishers.catch(stopOnFailure)]);
    // The publishing devices leave too: the hub must end with nothing registered.
    for (const [i, id] of publisherIds.entries()) {
      await ok('DELETE', `/register/${id}`);
      await socketPublishers[i]?.closedByHub(opTimeoutMs);
    }
  } finally {
    clearTimeout(deadline);
    stop();
    for (const device of socketPublishers) device.close();
    agent.destroy();
    publishAgent.destroy();
  }
  return Object.assign(result, ledger.totals(), { elapsedMs: Date.now() - started });
}
