// The cluster scenario of `npm run bench` (`--only cluster`): fan-out through two hubs and Redis
// against one hub, in the same run. The same number of subscribers either all on one hub, or half
// on hub A and half on hub B (registered on A); every message is published on A over HTTP. With
// two cores, every server process (the hubs and redis-server) is pinned to CPU 0 and the load
// generator to CPU 1: this measures what the cluster costs, not how it scales.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpJson, latencyOf, makeMessage, newAgent, openClient, percentile, pool } from './loadgen.mjs';

const freshDir = (what) => mkdtempSync(join(tmpdir(), `relay-hub-bench-${what}-`));

/** A process pinned to CPU 0 (when `taskset` exists), with its CPU time and RSS read from /proc. */
function startProcess(pin, cmd, args) {
  const child = pin
    ? spawn('taskset', ['-c', '0', cmd, ...args], { stdio: 'ignore' })
    : spawn(cmd, args, { stdio: 'ignore' });
  const proc = (file) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
  return {
    cpuSeconds: () => {
      const fields = proc('stat').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function waitForHealth(agent, port, cluster) {
  for (let i = 0; i < 400; i++) {
    try {
      const res = await httpJson(agent, port, 'GET', '/health');
      if (res.status === 200 && (!cluster || JSON.parse(res.body).cluster?.state === 'up')) return;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`hub on ${port} never became healthy`);
}

/** One hub, or Redis and two hubs on it; `ports[0]` is where everything is registered and published. */
async function startServers(kind, { pin, hubArgs, nextPort }) {
  const processes = [];
  const agent = newAgent(16);
  const ports = [];
  let broker = [];
  if (kind === 'cluster') {
    const redisPort = nextPort();
    processes.push(
      startProcess(pin, 'redis-server', [
        ...['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', freshDir('redis')],
        ...['--save', '', '--appendonly', 'no'],
      ]),
    );
    broker = ['--broker', `redis://127.0.0.1:${redisPort}/0`];
  }
  for (let i = 0; i < (kind === 'cluster' ? 2 : 1); i++) {
    const port = nextPort();
    ports.push(port);
    const [cmd, args] = hubArgs(port, broker);
    processes.push(startProcess(pin, cmd, args));
    await waitForHealth(agent, port, kind === 'cluster');
  }
  // Both hubs count each other (their heartbeats) before the receipts are measured.
  if (kind === 'cluster') {
    for (let i = 0; i < 200; i++) {
      const hubs = await Promise.all(
        ports.map(async (port) => JSON.parse((await httpJson(agent, port, 'GET', '/health')).body).cluster?.hubs),
      );
      if (hubs.every((n) => n === 2)) break;
      await sleep(50);
    }
  }
  return {
    ports,
    agent,
    cpuSeconds: () => processes.reduce((sum, p) => sum + p.cpuSeconds(), 0),
    stop: async () => {
      agent.destroy();
      for (const p of processes) await p.stop();
    },
  };
}

/** The fan-out: `subscribers` clients (half on each hub of a cluster), `messages` publishes on the first hub. */
async function fanout(servers, { subscribers, messages }) {
  const [first, second = first] = servers.ports;
  const ids = new Array(subscribers);
  await pool(subscribers, 8, async (i) => {
    ids[i] = JSON.parse((await httpJson(servers.agent, first, 'POST', '/register', { user_id: i })).body).id;
  });
  const latencies = { local: [], remote: [] };
  const clients = [];
  await pool(subscribers, 128, async (i) => {
    const remote = i % 2 === 1 && second !== first;
    const client = await openClient(remote ? second : first, ids[i], (payload) => {
      client.received++;
      if (payload[0] === 0x6d) (remote ? latencies.remote : latencies.local).push(latencyOf(payload));
    });
    client.received = 0;
    clients[i] = client;
  });
  for (let round = 0; ; round++) {
    if (round === 100) throw new Error('barrier: not every client receives');
    const before = clients.map((c) => c.received);
    await httpJson(servers.agent, first, 'POST', '/publish', { topic: 'cats', message: 'probe' });
    await sleep(100);
    if (clients.every((c, i) => c.received > before[i])) break;
  }
  latencies.local.length = 0;
  latencies.remote.length = 0;
  const base = clients.reduce((sum, c) => sum + c.received, 0);
  const received = () => clients.reduce((sum, c) => sum + c.received, 0) - base;
  const receiptMs = [];
  const cpu0 = servers.cpuSeconds();
  const t0 = performance.now();
  await pool(messages, 4, async (i) => {
    const sent = performance.now();
    await httpJson(servers.agent, first, 'POST', '/publish', { topic: 'cats', message: makeMessage(i, 64) });
    receiptMs.push(performance.now() - sent);
  });
  const expected = messages * subscribers;
  // Until everything arrived, or nothing more for 5 s.
  let last = -1;
  let idleSince = performance.now();
  while (received() < expected && performance.now() - idleSince < 5_000) {
    if (received() !== last) [last, idleSince] = [received(), performance.now()];
    await sleep(5);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = servers.cpuSeconds() - cpu0;
  const delivered = received();
  const all = [...latencies.local, ...latencies.remote];
  const loaded = {
    'deliveries/s': delivered / seconds,
    'p50 ms': percentile(all, 50) / 1000,
    'p99 ms': percentile(all, 99) / 1000,
    'receipt p50 ms': percentile(receiptMs, 50),
    'CPU µs/deliv': (cpu * 1e6) / delivered,
    lost: expected - delivered,
  };
  // Latency without load: one message at a time, each once every device has it. The first device
  // to get it shows the path (HTTP, Redis, the bus) rather than the fan-out after it.
  const earliest = { local: [], remote: [] };
  for (let i = 0; i < 30; i++) {
    latencies.local.length = 0;
    latencies.remote.length = 0;
    const before = received();
    await httpJson(servers.agent, servers.ports[0], 'POST', '/publish', { topic: 'cats', message: makeMessage(i, 64) });
    const deadline = performance.now() + 5_000;
    while (received() - before < subscribers && performance.now() < deadline) await sleep(1);
    earliest.local.push(Math.min(...latencies.local));
    if (latencies.remote.length > 0) earliest.remote.push(Math.min(...latencies.remote));
  }
  for (const c of clients) c.socket.destroy();
  return {
    ...loaded,
    'idle: first local ms': percentile(earliest.local, 50) / 1000,
    'idle: first on other hub ms': earliest.remote.length === 0 ? NaN : percentile(earliest.remote, 50) / 1000,
  };
}

/**
 * Runs the scenario `repeats` times on one hub and on the cluster (alternating which goes first),
 * prints each run, and returns the medians and the cluster/one-hub ratios.
 */
export async function clusterBench({ quick, repeats, pin, hubArgs, nextPort, fmt, median }) {
  const size = quick ? { subscribers: 300, messages: 40 } : { subscribers: 2000, messages: 200 };
  const runs = { hub: [], cluster: [] };
  for (let r = 0; r < repeats; r++) {
    for (const kind of r % 2 === 0 ? ['hub', 'cluster'] : ['cluster', 'hub']) {
      const servers = await startServers(kind, { pin, hubArgs, nextPort });
      try {
        const result = await fanout(servers, size);
        runs[kind].push(result);
        console.log(
          `  cluster r${r + 1} ${kind.padEnd(7)} ${Object.entries(result)
            .map(([k, v]) => `${k}=${fmt(v)}`)
            .join(' ')}`,
        );
      } finally {
        await servers.stop();
      }
    }
  }
  const med = (kind, metric) => median(runs[kind].map((run) => run[metric]));
  console.log(
    `\n| fan-out, ${size.subscribers} subscribers × ${size.messages} messages | one hub | 2 hubs + Redis | ratio |\n|---|---:|---:|---:|`,
  );
  for (const metric of Object.keys(runs.hub[0] ?? {})) {
    const [one, two] = [med('hub', metric), med('cluster', metric)];
    const ratio = Number.isFinite(one) && Number.isFinite(two) && one !== 0 ? `${(two / one).toFixed(2)}×` : '';
    console.log(`| ${metric} | ${fmt(one)} | ${fmt(two)} | ${ratio} |`);
  }
  const hop = (metric) => med('cluster', metric) - med('hub', 'idle: first local ms');
  console.log(
    `\nCluster vs one hub (same run, all servers on one core): deliveries/s ${(med('cluster', 'deliveries/s') / med('hub', 'deliveries/s')).toFixed(2)}×, ` +
      `CPU per delivery ${(med('cluster', 'CPU µs/deliv') / med('hub', 'CPU µs/deliv')).toFixed(2)}×; ` +
      `added latency without load (median of the first delivery of 30 messages): ${fmt(hop('idle: first local ms'))} ms on the ` +
      `publishing hub (through Redis and back), ${fmt(hop('idle: first on other hub ms'))} ms on the other hub (one hop)`,
  );
}
