#!/usr/bin/env node
// `npm run bench`: starts the headless hub and the naive baseline (bench/naive-server.mjs) in
// the same run, drives both with the same load (bench/loadgen.mjs), and prints figures and
// hub/naive ratios. Sizes finish in a few minutes on 2 cores; `--quick` is a smoke run.
// Each scenario gets a fresh server process, pinned to CPU 0 (load generator on CPU 1) when
// `taskset` exists. Server CPU and RSS come from /proc/<pid>.
// `--compare <git-ref>` builds that commit's CLI in a temp dir (bench/compare.mjs) and runs it as
// `base` beside the hub in every scenario, with hub/base ratios: a claim is against the code it replaces.
import { spawn, spawnSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { clusterBench } from './cluster.mjs';
import { buildRef, knownFlags } from './compare.mjs';
import { mqttBench } from './mqtt.mjs';
import {
  httpBytes,
  httpJson,
  latencyOf,
  makeMessage,
  newAgent,
  openClient,
  percentile,
  pool,
  sendText,
} from './loadgen.mjs';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    repeats: { type: 'string' },
    only: { type: 'string' },
    compare: { type: 'string' },
  },
});
const quick = flags.quick === true;
const repeats = Number(flags.repeats ?? (quick ? 1 : 3));
const size = quick
  ? {
      connect: 300,
      fanout: 300,
      fanoutMsgs: 40,
      targeted: 300,
      targetedMsgs: 600,
      slowNormal: 20,
      slowMsgs: 600,
      sseStreams: 1000,
      sseMsgs: 20,
      ...{ pubClients: 500, pubTopics: 10, publishers: 20, pubInflight: 4, pubMsgs: 2000 },
    }
  : {
      connect: 5000,
      fanout: 2000,
      fanoutMsgs: 200,
      targeted: 5000,
      targetedMsgs: 5000,
      slowNormal: 100,
      slowMsgs: 6000,
      sseStreams: 1000,
      sseMsgs: 300,
      // Devices publishing: 100 publishers among 5,000 subscribers on 50 topics (100 each).
      ...{ pubClients: 5000, pubTopics: 50, publishers: 100, pubInflight: 4, pubMsgs: 20000 },
    };

const pin = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
if (pin) spawnSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });

/** The other build (`--compare`): its CLI, and the flags it knows (an older hub lacks some). */
const base = flags.compare === undefined ? null : buildRef(flags.compare);
const baseFlags = base === null ? null : knownFlags(base.cli);

/** The hub as its CLI ships, on a fresh data dir (history on disk, or in Redis with `--broker`), with `extra` flags. */
const hubCommand = (port, extra = [], cli = 'dist/cli/relay-hub.cjs', known = null) => [
  'node',
  [
    '--max-semi-space-size=4', // as the CLI's shebang runs it
    cli,
    ...[
      ...['--host', '127.0.0.1', '--port', String(port), '--heartbeat-ms', '0'],
      // One load generator on one address: the per-IP rate limits and capacity limits would measure themselves.
      ...['--register-rate', '0', '--publish-rate', '0', '--max-registrations', '0', '--max-connections', '0'],
      ...['--device-publish-rate', '0', '--stream-heartbeat-ms', '0'],
      ...['--data-dir', mkdtempSync(join(tmpdir(), 'relay-hub-bench-'))],
      // MQTT over TCP only where a scenario asks (never the default port 1883).
      ...(extra.includes('--mqtt-port') ? [] : ['--mqtt-port', 'off']),
      ...extra,
    ].filter((arg, i, all) => {
      // For an older build: drop the flags it does not know (and their values).
      const flag = arg.startsWith('--') ? arg : (all[i - 1] ?? '');
      return known === null || !flag.startsWith('--') || known.has(flag);
    }),
  ],
];
const servers = {
  hub: (port) => hubCommand(port),
  naive: (port) => ['node', ['bench/naive-server.mjs', '--port', String(port)]],
  // The same hub with its history off: what keeping every message (on disk) costs.
  'hub-no-history': (port) => hubCommand(port, ['--history-size', '0']),
  base: (port) => hubCommand(port, [], base?.cli, baseFlags),
};

let nextPort = 19400 + Math.floor(Math.random() * 500);

async function startServer(name) {
  const port = nextPort++;
  const [cmd, args] = servers[name](port);
  const child = pin
    ? spawn('taskset', ['-c', '0', cmd, ...args], { stdio: 'ignore' })
    : spawn(cmd, args, { stdio: 'ignore' });
  const agent = newAgent(16);
  for (let i = 0; i < 200; i++) {
    try {
      if ((await httpJson(agent, port, 'GET', '/health')).status === 200) break;
    } catch {
      await sleep(50);
    }
  }
  const proc = (file) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
  return {
    port,
    agent,
    cpuSeconds: () => {
      const fields = proc('stat').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
    },
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(proc('status'))[1]),
    stop: async () => {
      agent.destroy();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function registerAll(server, count, userOf = () => 1) {
  const ids = new Array(count);
  await pool(count, 8, async (i) => {
    const res = await httpJson(server.agent, server.port, 'POST', '/register', { user_id: userOf(i) });
    ids[i] = JSON.parse(res.body).id;
  });
  return ids;
}

/** Connects clients; each gets a `received` counter and the shared latency sample list. */
async function connectAll(server, ids, latencies, options = () => ({})) {
  const clients = [];
  await pool(ids.length, 128, async (i) => {
    const client = await openClient(
      server.port,
      ids[i],
      (payload) => {
        // Answers to the client's own frames (acks) are JSON objects; deliveries are the messages.
        if (payload[0] === 0x7b) {
          client.onAnswer?.(payload);
          return;
        }
        client.received++;
        if (payload[0] === 0x6d) latencies.push(latencyOf(payload));
      },
      options(i),
    );
    client.received = 0;
    clients[i] = client;
  });
  return clients;
}

/**
 * Registers and connects `count` clients, waits until every reading one receives, and returns
 * them with the latency list (emptied after the barrier) and a counter of deliveries since.
 */
async function prepare(server, count, userOf, options) {
  const latencies = [];
  const ids = await registerAll(server, count, userOf);
  const clients = await connectAll(server, ids, latencies, options);
  const reading = clients.filter((_, i) => !options?.(i).paused);
  await barrier(server, reading);
  latencies.length = 0;
  const base = reading.reduce((sum, c) => sum + c.received, 0);
  const received = () => reading.reduce((sum, c) => sum + c.received, 0) - base;
  return { clients, reading, latencies, received };
}

/** Publishes until every reading client got one probe (all connected and subscribed). */
async function barrier(server, clients) {
  for (let round = 0; round < 100; round++) {
    const before = clients.map((c) => c.received);
    await httpJson(server.agent, server.port, 'POST', '/publish', { topic: 'cats', message: 'probe' });
    await sleep(100);
    if (clients.every((c, i) => c.received > before[i])) return;
  }
  throw new Error('barrier: not every client receives');
}

async function waitFor(check, idleMs = 5_000) {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const value = check();
    if (value === true) return true;
    if (value !== last) [last, since] = [value, Date.now()];
    if (Date.now() - since > idleMs) return false;
    await sleep(5);
  }
}

const scenarios = {
  async connect(server) {
    const rss0 = server.rssKiB();
    const t0 = performance.now();
    const ids = await registerAll(server, size.connect, (i) => i);
    const clients = await connectAll(server, ids, []);
    const setup = (performance.now() - t0) / 1000;
    await sleep(1000);
    const kib = (server.rssKiB() - rss0) / size.connect;
    for (const c of clients) c.socket.destroy();
    return { 'setup s': setup, 'KiB/conn': kib };
  },

  async fanout(server) {
    const { clients, latencies, received: total } = await prepare(server, size.fanout);
    const cpu0 = server.cpuSeconds();
    const t0 = performance.now();
    const publishMs = [];
    await pool(size.fanoutMsgs, 4, async (i) => {
      const sent = performance.now();
      await httpJson(server.agent, server.port, 'POST', '/publish', { topic: 'cats', message: makeMessage(i, 64) });
      publishMs.push(performance.now() - sent);
    });
    const expected = size.fanoutMsgs * clients.length;
    await waitFor(() => total() >= expected || total());
    const seconds = (performance.now() - t0) / 1000;
    const deliveries = total();
    const cpu = server.cpuSeconds() - cpu0;
    for (const c of clients) c.socket.destroy();
    return {
      'deliveries/s': deliveries / seconds,
      'p50 ms': percentile(latencies, 50) / 1000,
      'p99 ms': percentile(latencies, 99) / 1000,
      'CPU µs/deliv': (cpu * 1e6) / deliveries,
      'publish p99 ms': percentile(publishMs, 99),
      lost: expected - deliveries,
    };
  },

  async targeted(server) {
    const { clients, latencies, received: total } = await prepare(server, size.targeted, (i) => i);
    const cpu0 = server.cpuSeconds();
    const t0 = performance.now();
    await pool(size.targetedMsgs, 16, (i) =>
      httpJson(server.agent, server.port, 'POST', '/publish', {
        topic: 'cats',
        user_id: (i * 7919) % size.targeted,
        message: makeMessage(i, 64),
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    await waitFor(() => total() >= size.targetedMsgs || total());
    const cpu = server.cpuSeconds() - cpu0;
    for (const c of clients) c.socket.destroy();
    return {
      'publish/s': size.targetedMsgs / seconds,
      'p50 ms': percentile(latencies, 50) / 1000,
      'p99 ms': percentile(latencies, 99) / 1000,
      'CPU µs/pub': (cpu * 1e6) / size.targetedMsgs,
      lost: size.targetedMsgs - total(),
    };
  },

  // The fan-out with 1 KiB messages, as text and as bytes (octet-stream): what binary costs.
  fanoutText: (server) => fanoutOf(server, 'text'),
  fanoutBinary: (server) => fanoutOf(server, 'binary'),
  socketPublish: (server) => publishing(server, 'socket', false),
  httpPublish: (server) => publishing(server, 'http', false),
  socketTargeted: (server) => publishing(server, 'socket', true),
  httpTargeted: (server) => publishing(server, 'http', true),
  slow: (server) => slowConsumer(server, true),
  slowControl: (server) => slowConsumer(server, false),
  sse: (server) => sseAgainstSockets(server),
};

/** Opens one `GET /sse?topic=<topic>` on a raw socket; `events()` counts the events received (blank-line ends). */
function openSse(port, topic) {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let events = 0;
    let lastNewline = false;
    socket.on('data', (chunk) => {
      if (lastNewline && chunk[0] === 10) events++;
      for (let i = chunk.indexOf('\n\n'); i !== -1; i = chunk.indexOf('\n\n', i + 2)) events++;
      lastNewline = chunk[chunk.length - 1] === 10;
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET /sse?topic=${topic}&retained=false HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      resolve({ socket, events: () => events });
    });
  });
}

/**
 * The same fan-out (`sseStreams` listeners of one topic, `sseMsgs` messages of 64 bytes) over
 * WebSocket devices (topic `cats`) and over SSE streams (topic `sse`), all connected to one hub at
 * once: the messages go in alternating slices (ws, sse, sse, ws, …) so that a noisy neighbour on
 * the machine weighs on both sides alike. Deliveries/s of each, and the ratio.
 */
async function sseAgainstSockets(server) {
  const ws = await prepare(server, size.sseStreams);
  const streams = [];
  await pool(size.sseStreams, 64, async () => streams.push(await openSse(server.port, 'sse')));
  // Each stream is live once it got its retry line and its `subscribed` event.
  await waitFor(() => streams.every((s) => s.events() >= 2) || streams.reduce((n, s) => n + s.events(), 0));
  const sseBase = streams.reduce((n, s) => n + s.events(), 0);
  const sides = {
    ws: { topic: 'cats', received: () => ws.received(), seconds: 0, cpu: 0, sent: 0 },
    sse: {
      topic: 'sse',
      received: () => streams.reduce((n, s) => n + s.events(), 0) - sseBase,
      seconds: 0,
      cpu: 0,
      sent: 0,
    },
  };
  const slices = 6;
  const perSlice = Math.ceil(size.sseMsgs / slices);
  for (let slice = 0; slice < slices; slice++) {
    for (const name of slice % 2 === 0 ? ['ws', 'sse'] : ['sse', 'ws']) {
      const side = sides[name];
      const t0 = performance.now();
      const cpu0 = server.cpuSeconds();
      await pool(perSlice, 4, (i) =>
        httpJson(server.agent, server.port, 'POST', '/publish', { topic: side.topic, message: makeMessage(i, 64) }),
      );
      side.sent += perSlice * size.sseStreams;
      await waitFor(() => side.received() >= side.sent || side.received());
      side.seconds += (performance.now() - t0) / 1000;
      side.cpu += server.cpuSeconds() - cpu0;
    }
  }
  for (const c of ws.clients) c.socket.destroy();
  for (const s of streams) s.socket.destroy();
  const rate = (side) => side.received() / side.seconds;
  return {
    'ws deliveries/s': rate(sides.ws),
    'sse deliveries/s': rate(sides.sse),
    'sse/ws': rate(sides.sse) / rate(sides.ws),
    'ws CPU µs/deliv': (sides.ws.cpu * 1e6) / sides.ws.received(),
    'sse CPU µs/deliv': (sides.sse.cpu * 1e6) / sides.sse.received(),
    lost: sides.ws.sent + sides.sse.sent - sides.ws.received() - sides.sse.received(),
  };
}

/** Fan-out of `fanoutMsgs` messages of 1 KiB to `fanout` clients, published as text or as bytes. */
async function fanoutOf(server, kind) {
  const { clients, latencies, received: total } = await prepare(server, size.fanout);
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  await pool(size.fanoutMsgs, 4, (i) => {
    const message = makeMessage(i, 1024);
    return kind === 'text'
      ? httpJson(server.agent, server.port, 'POST', '/publish', { topic: 'cats', message })
      : httpBytes(server.agent, server.port, '/publish?topic=cats', Buffer.from(message));
  });
  const expected = size.fanoutMsgs * clients.length;
  await waitFor(() => total() >= expected || total());
  const seconds = (performance.now() - t0) / 1000;
  const deliveries = total();
  const cpu = server.cpuSeconds() - cpu0;
  for (const c of clients) c.socket.destroy();
  return {
    'deliveries/s': deliveries / seconds,
    'p99 ms': percentile(latencies, 99) / 1000,
    'CPU µs/deliv': (cpu * 1e6) / deliveries,
    lost: expected - deliveries,
  };
}

/**
 * Devices publishing: `pubClients` subscribers spread over `pubTopics` topics; `pubMsgs` publishes of
 * 64 B round-robin over the topics, either over the first `publishers` clients' own sockets (each
 * keeping `pubInflight` unacknowledged) or through POST /publish with publishers × inflight in flight.
 * `targeted`: every publish carries a user_id (each client is its own user), so it reaches one
 * device: the cost of the publish path itself rather than of the fan-out.
 */
async function publishing(server, path, targeted) {
  const { pubClients: count, pubTopics: topics, publishers, pubInflight: inflight, pubMsgs: messages } = size;
  /** The publish request of message `seq`. */
  const request = (seq) => {
    if (!targeted) return { topic: `t${seq % topics}`, message: makeMessage(seq, 64) };
    const user = (seq * 7919) % count; // client `user` is user `user`, subscribed to t(user % topics)
    return { topic: `t${user % topics}`, user_id: user, message: makeMessage(seq, 64) };
  };
  const latencies = [];
  const ids = await registerAll(server, count, (i) => i);
  const clients = await connectAll(server, ids, latencies);
  clients.forEach((client, i) => sendText(client, JSON.stringify({ topics: [`t${i % topics}`] })));
  await topicBarrier(server, clients, topics);
  latencies.length = 0;
  const base = clients.reduce((sum, c) => sum + c.received, 0);
  const received = () => clients.reduce((sum, c) => sum + c.received, 0) - base;
  let expected = 0;
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  if (path === 'socket') {
    expected = await publishOverSockets(clients.slice(0, publishers), messages, inflight, request);
  } else {
    const agent = newAgent(publishers * inflight);
    await pool(messages, publishers * inflight, async (i) => {
      const res = await httpJson(agent, server.port, 'POST', '/publish', request(i));
      expected += JSON.parse(res.body).delivered;
    });
    agent.destroy();
  }
  const publishSeconds = (performance.now() - t0) / 1000;
  await waitFor(() => received() >= expected || received());
  const seconds = (performance.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  for (const c of clients) c.socket.destroy();
  return {
    'publish/s': messages / publishSeconds,
    'deliveries/s': received() / seconds,
    'p99 ms': percentile(latencies, 99) / 1000,
    'CPU µs/pub': (cpu * 1e6) / messages,
    lost: expected - received(),
  };
}

/** Sends `messages` publish frames round-robin over `publishers`, each with at most `inflight` unacked; resolves with the acks' delivered sum. */
function publishOverSockets(publishers, messages, inflight, request) {
  return new Promise((resolve) => {
    let sent = 0;
    let acked = 0;
    let delivered = 0;
    const send = (client) => {
      if (sent >= messages) return;
      const seq = sent++;
      sendText(client, JSON.stringify({ publish: request(seq), id: seq }));
    };
    for (const client of publishers) {
      client.onAnswer = (payload) => {
        const answer = JSON.parse(payload.toString());
        if (answer.ack === undefined) return;
        delivered += answer.delivered;
        if (++acked === messages) resolve(delivered);
        else send(client);
      };
    }
    for (let k = 0; k < inflight; k++) for (const client of publishers) send(client);
  });
}

/** Publishes a probe to every topic until every client got one (all subscribed). */
async function topicBarrier(server, clients, topics) {
  for (let round = 0; round < 100; round++) {
    const before = clients.map((c) => c.received);
    for (let t = 0; t < topics; t++) {
      await httpJson(server.agent, server.port, 'POST', '/publish', { topic: `t${t}`, message: 'probe' });
    }
    await sleep(100);
    if (clients.every((c, i) => c.received > before[i])) return;
  }
  throw new Error('topic barrier: not every client receives');
}

/** S4: broadcasts of 1 KiB to `slowNormal` reading clients, plus (or not) one that never reads. */
async function slowConsumer(server, withSlow) {
  const count = size.slowNormal + (withSlow ? 1 : 0);
  const paused = (i) => ({ paused: withSlow && i === count - 1 });
  const { clients, reading: normal, latencies, received: total } = await prepare(server, count, undefined, paused);
  const rss0 = server.rssKiB();
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssKiB())), 50);
  await pool(size.slowMsgs, 4, (i) =>
    httpJson(server.agent, server.port, 'POST', '/publish', { topic: 'cats', message: makeMessage(i, 1024) }),
  );
  const expected = size.slowMsgs * normal.length;
  await waitFor(() => total() >= expected || total());
  clearInterval(sampler);
  const slow = withSlow ? clients.at(-1) : null;
  let fate = '';
  if (slow) {
    slow.socket.resume();
    await waitFor(() => slow.closed || slow.received, 1_000);
    fate = slow.closeCode ? `closed ${slow.closeCode}` : slow.closed ? 'cut' : `open, got ${slow.received}`;
  }
  for (const c of clients) c.socket.destroy();
  return {
    'RSS growth MiB': (peak - rss0) / 1024,
    'normal p99 ms': percentile(latencies, 99) / 1000,
    lost: expected - total(),
    ...(slow ? { 'slow client': fate } : {}),
  };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (v) =>
  typeof v !== 'number' ? String(v) : Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toPrecision(3);

// The cluster scenario starts its own servers (Redis and two hubs, against one hub); so does the
// MQTT one (the hub's MQTT door against Debian's mosquitto).
scenarios.cluster = null;
scenarios.mqtt = null;
const wanted = flags.only ? flags.only.split(',') : Object.keys(scenarios);
console.log(`relay-hub bench: ${quick ? 'quick' : 'full'} sizes, ${repeats} repeat(s), pinned=${pin}`);
console.log(`sizes: ${JSON.stringify(size)}\n`);
const results = {};
/** Scenarios only the hub can run (the naive tutorial server has no socket publishing). */
const hubOnly = new Set([
  'socketPublish',
  'httpPublish',
  'socketTargeted',
  'httpTargeted',
  'fanoutText',
  'fanoutBinary',
  'sse',
]);
/** The servers a scenario runs on, in the order of repeat `r` (rotated so none always goes first). */
function serversFor(name, r) {
  const names = hubOnly.has(name) ? ['hub'] : name === 'fanout' ? ['hub', 'naive', 'hub-no-history'] : ['hub', 'naive'];
  if (base !== null) names.push('base');
  return names.map((_, i) => names[(i + r) % names.length]);
}
if (base !== null) console.log(`base: ${flags.compare} = ${base.commit.slice(0, 12)} (${base.cli})`);
for (const name of wanted) {
  if (name === 'cluster' || name === 'mqtt') continue;
  const runs = { hub: [], naive: [], 'hub-no-history': [], base: [] };
  const times = name === 'connect' || name.startsWith('slow') ? 1 : repeats;
  for (let r = 0; r < times; r++) {
    const order = serversFor(name, r);
    for (const serverName of order) {
      const server = await startServer(serverName);
      try {
        const scenario = scenarios[name](server);
        // An older build that never answers (no socket publishing) must not hold the run up.
        const limit =
          serverName === 'base'
            ? sleep(120_000, null, { ref: false }).then(() => Promise.reject(new Error('no result in 120 s')))
            : null;
        const result = await (limit === null ? scenario : Promise.race([scenario, limit])).catch((error) => {
          // An older build may lack what a scenario needs (socket publishing): noted, not fatal.
          if (serverName !== 'base') throw error;
          console.log(`  ${name} r${r + 1} base failed: ${error.message}`);
          return null;
        });
        if (result === null) continue;
        runs[serverName].push(result);
        console.log(
          `  ${name} r${r + 1} ${serverName.padEnd(5)} ${Object.entries(result)
            .map(([k, v]) => `${k}=${fmt(v)}`)
            .join(' ')}`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  results[name] = runs;
}

const baseColumns = base === null ? '' : ` base ${flags.compare} | hub/base |`;
console.log(
  `\n| scenario | metric | hub | naive | hub/naive |${baseColumns}\n|---|---|---:|---:|---:|${base === null ? '' : '---:|---:|'}`,
);
for (const [name, runs] of Object.entries(results)) {
  for (const metric of Object.keys(runs.hub[0] ?? {})) {
    const pick = (server) => {
      if (runs[server].length === 0) return '—';
      const vals = runs[server].map((r) => r[metric]);
      return typeof vals[0] === 'number' ? median(vals) : vals.join(', ');
    };
    const ratioOf = (a, b) =>
      typeof a === 'number' && typeof b === 'number' && b !== 0 ? `${(a / b).toFixed(2)}×` : '';
    const [h, n, b] = [pick('hub'), pick('naive'), pick('base')];
    const against = base === null ? '' : ` ${fmt(b)} | ${ratioOf(h, b)} |`;
    console.log(`| ${name} | ${metric} | ${fmt(h)} | ${fmt(n)} | ${ratioOf(h, n)} |${against}`);
  }
}
const withHistory = results.fanout?.hub;
const withoutHistory = results.fanout?.['hub-no-history'];
if (withHistory?.length && withoutHistory?.length) {
  const med = (runs, metric) => median(runs.map((r) => r[metric]));
  const rate = med(withHistory, 'deliveries/s') / med(withoutHistory, 'deliveries/s');
  const p99 = med(withHistory, 'publish p99 ms') / med(withoutHistory, 'publish p99 ms');
  console.log(
    `\nHistory on (disk, the default) vs off (--history-size 0), fan-out, same run: deliveries/s ${rate.toFixed(2)}×, ` +
      `publish p99 ${p99.toFixed(2)}×`,
  );
}
const text1k = results.fanoutText?.hub;
const binary1k = results.fanoutBinary?.hub;
if (text1k?.length && binary1k?.length) {
  const med = (runs, metric) => median(runs.map((r) => r[metric]));
  console.log(
    `\nFan-out of 1 KiB messages, bytes vs text (hub, same run): deliveries/s ` +
      `${(med(binary1k, 'deliveries/s') / med(text1k, 'deliveries/s')).toFixed(2)}×, CPU per delivery ` +
      `${(med(binary1k, 'CPU µs/deliv') / med(text1k, 'CPU µs/deliv')).toFixed(2)}×`,
  );
}
for (const [socketName, httpName, what] of [
  ['socketPublish', 'httpPublish', `fan-out to ${size.pubClients / size.pubTopics} subscribers each`],
  ['socketTargeted', 'httpTargeted', 'one recipient each (user_id): the publish path itself'],
]) {
  const socket = results[socketName]?.hub;
  const http = results[httpName]?.hub;
  if (!socket?.length || !http?.length) continue;
  const med = (runs, metric) => median(runs.map((r) => r[metric]));
  const cpuRatio = med(socket, 'CPU µs/pub') / med(http, 'CPU µs/pub');
  const rateRatio = med(socket, 'publish/s') / med(http, 'publish/s');
  console.log(
    `\nPublishing over device sockets vs POST /publish (hub, same run; ${size.publishers} publishers, ${what}): ` +
      `CPU per publish ${cpuRatio.toFixed(2)}×, publishes/s ${rateRatio.toFixed(2)}×`,
  );
}
if (wanted.includes('cluster')) {
  console.log('');
  await clusterBench({
    quick,
    repeats,
    pin,
    hubArgs: (port, broker) => hubCommand(port, broker),
    nextPort: () => nextPort++,
    fmt,
    median,
  });
}
if (wanted.includes('mqtt')) {
  console.log('');
  await mqttBench({ quick, repeats, pin, hubArgs: hubCommand, nextPort: () => nextPort++, fmt, median });
}
console.log('\nMedians over repeats; the machine is noisy, so read the ratios (same run) and the CPU columns.');
