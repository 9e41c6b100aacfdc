/**
 * Soak: thousands of devices connect, subscribe, leave, unregister and register again in a loop
 * while numbered publishes run, against the real headless hub (the CLI bundle, as shipped, in a
 * child process of its own, so memory and file descriptors are the hub's alone). Short here;
 * `SOAK_SECONDS=600` (or `npm run soak -- --seconds 600`) runs it longer.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventually, fdsOf, health, median, MemoryWatch, metrics, mib, type Sample } from '../soak/probe';
import { runSoak, type SoakConfig, type SoakResult } from '../soak/run';
import { Ledger, type Stream } from '../soak/ledger';
import { SoakSocket, within, type Publish } from '../soak/socket';
import { buildCli, startHub } from '../support/relay';

const seconds = Number(process.env.SOAK_SECONDS ?? 25);
if (!(seconds > 0)) throw new TypeError(`SOAK_SECONDS must be a positive number, got ${process.env.SOAK_SECONDS}`);

const KiB = 1024;
const MiB = 1024 * KiB;
/**
 * Memory flat. After the warm-up (RSS made no new high for 4 s), the median RSS of the last third
 * of the samples may exceed the first third's by at most `memoryBound`. The hub, run as the CLI
 * ships (`--max-semi-space-size=4`), holds 2,000 live sockets in 110-155 MiB (thirds +21 and +27
 * MiB in two 25 s runs; with the 1 MiB it shipped with before, 111 → 141 the same day and 80-115
 * MiB on an earlier machine), but V8's old generation (and malloc's arenas) grow lazily, in
 * steps, for minutes: a clean 300 s run (1 MiB) climbed from 86 to ~111 MiB over its first 3
 * minutes and then stayed flat (thirds 98 → 111 MiB, +13), while clean 30 s runs moved by up to
 * +22 MiB between their thirds (81 → 103 MiB), still in that climb. Hence 48 MiB in the short run and 32 MiB (~30% of the steady RSS) from 5 minutes on.
 *
 * What it catches: a leak of L per socket cycle (connect … close) adds L × the sockets opened
 * between the two thirds; the run goes on (up to 60 s, or 25%, more) until that count makes the
 * leak below break the bound, and asserts it: 1 KiB per socket in runs of 5 minutes or more
 * (≥ 32,769 sockets; the 300 s run opened 100,000 between its thirds, where 1 KiB each is
 * ~98 MiB), only 16 KiB per socket in the short CI run (≥ 3,073 sockets: 16 KiB × 3,073 >
 * 48 MiB; at 12 KiB, a fresh-clone CI run reached only 3,595 of the 4,097 it then needed, its
 * 20 s extension spent, and a later green one 3,168 of 3,073: the extension is 60 s now, rarely
 * used). Smaller leaks in the short run are the in-process test's job: its heap check after
 * forced full collections fails at 0.75 KiB per socket.
 */
const long = seconds >= 300;
const memoryBound = long ? 32 * MiB : 48 * MiB;
const detectableLeak = long ? KiB : 16 * KiB;
/** The run may go on this long to open enough sockets after the warm-up. */
const maxSeconds = seconds < 120 ? seconds + 60 : seconds * 1.25;
/** Sockets that must open between the thirds' medians (they are ~2/3 of the steady window apart). */
const socketsNeeded = Math.ceil(memoryBound / detectableLeak) + 1;

let hub: ChildProcessWithoutNullStreams | null = null;
let output = '';
afterAll(() => {
  if (hub?.exitCode === null) hub.kill('SIGKILL');
});

/** Starts the CLI bundle with its own data dir and no per-IP rate limits; resolves with its port. */
async function startCli(): Promise<{ child: ChildProcessWithoutNullStreams; port: number }> {
  const cli = await buildCli();
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-soak-'));
  const args = ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
  args.push('--register-rate', '0', '--publish-rate', '0', '--log-level', 'warn');
  // The history fills up to its byte budget, then stays there: a small budget keeps that out of the leak check.
  args.push('--history-max-bytes', String(4 * MiB));
  // As the shipped CLI runs (its shebang: `node --max-semi-space-size=4`).
  const child = spawn(process.execPath, ['--max-semi-space-size=4', cli, ...args], {
    // MQTT off: never the default ports 1883 and 8883 in a test.
    env: {
      ...process.env,
      NODE_PATH: join(process.cwd(), 'node_modules'),
      RELAY_HUB_MQTT_PORT: 'off',
      RELAY_HUB_MQTTS_PORT: 'off',
    },
  });
  hub = child;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const listening = async (): Promise<number> => {
    while (!/Register a device/.test(output)) {
      if (child.exitCode !== null) throw new Error(`hub exited: ${output}`);
      await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
    }
    return Number(/listening on .*:(\d+)/.exec(output)?.[1]);
  };
  return { child, port: await within(listening(), 15_000, 'hub listening') };
}

/** A full garbage collection on demand (V8's `gc`, enabled at run time for this check only). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap used after two full collections. */
function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** RSS medians of the first and last thirds of the steady samples, and the sockets opened between them. */
function thirds(samples: readonly Sample[]): { first: number; last: number; socketsBetween: number } {
  const third = Math.floor(samples.length / 3);
  const head = samples.slice(0, third);
  const tail = samples.slice(samples.length - third);
  return {
    first: median(head.map((s) => s.rss)),
    last: median(tail.map((s) => s.rss)),
    socketsBetween: median(tail.map((s) => s.sockets)) - median(head.map((s) => s.sockets)),
  };
}

function expectClean(result: SoakResult): void {
  expect(result.problems, `${result.problemCount} problems`).toEqual([]);
  expect(result.unexpectedCloses).toEqual({});
  expect(result.publishes).toBeGreaterThan(0);
  expect(result.received).toBeGreaterThan(0);
}

describe('soak', () => {
  beforeAll(() => {
    if (process.platform !== 'linux') throw new Error('the soak reads /proc: Linux only');
  });

  it('the checker itself catches gaps, reorders, duplicates, wrong users and lost deliveries', async () => {
    // A misbehaving "hub": a plain ws server that sends what it is told to.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const frames = ['s0 0', 's0 1', 's0 3', 's0 2', 's0 2', 'd 7 0', 'd 8 0', 'hello'];
    server.on('connection', (ws) => {
      for (const frame of frames) ws.send(frame);
    });
    try {
      const ledger = new Ledger(1, [7, 8]);
      const stream = ledger.broadcast[0] as Stream;
      for (let n = 0; n < 4; n++) stream.end(stream.begin(), 1);
      const { port } = server.address() as { port: number };
      const socket = await SoakSocket.open(`ws://127.0.0.1:${port}/`, 8, ledger, 5_000, ['d', 's0']);
      const all = new Promise<void>((resolve) => {
        const check = (): void => void (socket.received === frames.length && resolve());
        socket.ws.on('message', check);
        check(); // some may have come with the upgrade answer
      });
      await within(all, 5_000, 'frames');
      socket.ws.terminate();
      expect(ledger.problems).toEqual([
        's0 3: after #1 (gap of 1), user 8',
        's0 2: after #3 (out of order or duplicate), user 8',
        's0 2: after #2 (out of order or duplicate), user 8',
        "user 8 received user 7's message: d 7 0",
        'unexpected frame: hello',
      ]);
      // Receipts against receptions: s0 #2 was received twice but delivered once.
      expect(ledger.totals().problems).toContain('s0 #2: received 2 times, hub delivered 1');
      // A delivery nobody received is lost, unless a socket closed on purpose may have missed it.
      const lost = new Ledger(1, []);
      const quiet = lost.broadcast[0] as Stream;
      quiet.end(quiet.begin(), 2);
      quiet.receive(0);
      expect(lost.totals().problems).toEqual(['s0 #0: hub delivered 2, received 1 (only 0 excused)']);
      const excused = new Ledger(1, []);
      const closing = excused.broadcast[0] as Stream;
      closing.end(closing.begin(), 2);
      closing.receive(0);
      closing.allow(0, 0);
      excused.excusedDepartures = 1;
      expect(excused.totals()).toMatchObject({ problems: [], lostToPurposefulCloses: 1 });
      // …and only so many: at most maxLostPerDeparture on average.
      for (let n = 0; n < 2; n++) closing.end(closing.begin(), 1);
      closing.allow(1, 2);
      expect(excused.totals().problems).toEqual([
        '3 deliveries lost to 1 purposeful departures: more than 1 per departure',
      ]);
    } finally {
      server.close();
    }
  });

  it('the checker itself catches a subscriber the hub silently stopped serving (and stopped counting)', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const peer = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    try {
      const ledger = new Ledger(1, [8]);
      const stream = ledger.broadcast[0] as Stream;
      const { port } = server.address() as { port: number };
      const socket = await SoakSocket.open(`ws://127.0.0.1:${port}/`, 8, ledger, 5_000);
      const hub = await peer;
      // The "hub" answers the subscription's ping: the socket must get every message from #0 on.
      await socket.subscribe(['d', 's0', 'p0'], 5_000);
      // It serves #0 and #1, then silently stops serving this socket, and its receipts agree (1, 1, 0, 0).
      for (const delivered of [1, 1, 0, 0]) stream.end(stream.begin(), delivered);
      hub.send('s0 0');
      hub.send('s0 1');
      // The departure's barrier arrives (the hub still serves the private topic): #2 and #3 never did.
      const publish: Publish = (_topic, message) => Promise.resolve(hub.send(message)).then(() => 1);
      await socket.barrier(publish, 5_000);
      expect(ledger.problems).toEqual(['s0: a socket of user 8 received #0..#1, not every one of #0..#3']);
      // Receipts against receptions alone saw nothing wrong: what arrived is what the hub counted.
      expect(ledger.totals()).toMatchObject({ delivered: 2, received: 2, barriers: 1, problemCount: 1 });
    } finally {
      server.close();
    }
  });

  // The heap bound (0.75 KiB kept per socket churned) sits close to what a GC's timing leaves behind:
  // one fresh-clone run in four measured 0.81 KiB; a measurement over it is taken again once (a leak
  // fails both).
  it(
    'in process: handles, timers and heap return to the baseline after the churn',
    { retry: 1, timeout: 60_000 },
    async () => {
      const { relay, port } = await startHub({ heartbeatIntervalMs: 1_000 });
      const gc = exposeGc();
      // Sockets (the devices', the hub's), timers and other handles, by type.
      const count = (): Record<string, number> => {
        const counts: Record<string, number> = {};
        for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
        return counts;
      };
      const started = count();
      /** Waits (up to 5 s) until the counts equal `expected`, or, not `exactly`, are no higher. */
      const backTo = async (expected: Record<string, number>, exactly: boolean): Promise<Record<string, number>> => {
        const off = (now: Record<string, number>): boolean =>
          Object.keys({ ...now, ...expected }).some((type) =>
            exactly ? now[type] !== expected[type] : (now[type] ?? 0) > (expected[type] ?? 0),
          );
        return eventually(count, (now) => !off(now), 5_000);
      };
      let peakSockets = 0;
      /** At least `secs` of churn, and at least `sockets` sockets (up to 20 s more). */
      const churn = (secs: number, sockets = 0): Promise<SoakResult> => {
        const progress = { cycles: 0, connections: 0 };
        return runSoak({
          port,
          clients: 200,
          users: 50,
          topics: 4,
          seconds: secs,
          progress,
          until: () => progress.connections >= sockets,
          maxSeconds: secs + 20,
          broadcastsPerSec: 20,
          directsPerSec: 50,
          lifetimeMs: [50, 250],
          rampMs: 200,
          onRampedUp: () => (peakSockets = Math.max(peakSockets, count().TCPSocketWrap ?? 0)),
        });
      };
      const settled = async (): Promise<void> => {
        expect(relay.stats()).toMatchObject({ registered: 0, users: 0, topics: 0 });
        const stats = await eventually(
          () => relay.stats(),
          (s) => s.connected === 0,
          5_000,
        );
        expect(stats.connected).toBe(0);
      };
      try {
        // A first round warms up code, inline caches and pools (V8's heap grows ~2.5 MiB over it,
        // once). Once its sockets are gone, the counts are the baseline (one passing timer of the
        // hub's start may be in the very first counts, so those are only an upper bound).
        expectClean(await churn(2, 1_200));
        await settled();
        const baseline = await backTo(started, false);
        expect(Object.keys(baseline).filter((type) => (baseline[type] ?? 0) > (started[type] ?? 0))).toEqual([]);
        const heapBefore = heapAfterGc(gc);
        const result = await churn(2, 2_000);
        expectClean(result);
        await settled();
        // The same sockets, timers and handles as before the round: nothing left behind per device.
        expect(await backTo(baseline, true)).toEqual(baseline);
        // The heap after full collections: a leak of 1 KiB per socket would add `connections` KiB
        // (≥ 2,000 sockets here); three quarters of that is the bound. After one warm round the heap
        // moved by +200 to +550 KiB over this round, and stayed flat over 8 rounds (10,800 sockets);
        // an injected leak of 1 KiB per socket measured +2,725 KiB over 2,195 sockets.
        const grown = heapAfterGc(gc) - heapBefore;
        console.log(
          `soak (in process): ${result.connections} sockets, ${result.cycles} cycles, heap ${grown >= 0 ? '+' : ''}` +
            `${(grown / KiB).toFixed(0)} KiB after GC (bound ${(result.connections * 0.75).toFixed(0)} KiB)`,
        );
        // The resource check saw the churn: 200 device sockets and their hub ends were open.
        expect(peakSockets).toBeGreaterThanOrEqual(200);
        expect(result.connections).toBeGreaterThanOrEqual(2_000);
        expect(grown).toBeLessThan(result.connections * KiB * 0.75);
      } finally {
        await relay.stop();
      }
    },
  );

  it(
    `the headless hub under churn for ${seconds} s: nothing lost or reordered, no leak, memory flat`,
    async () => {
      const { child, port } = await startCli();
      const pid = child.pid as number;
      const fdsBefore = fdsOf(pid);
      const progress = { cycles: 0, connections: 0 };
      let watch: MemoryWatch | null = null;
      const config: SoakConfig = {
        port,
        clients: 2_000,
        users: 500,
        topics: 16,
        seconds,
        broadcastsPerSec: 100,
        directsPerSec: 200,
        lifetimeMs: [300, 1_500],
        progress,
        onRampedUp() {
          const warmUp = { minMs: Math.min(seconds * 200, 30_000), quietMs: 4_000, slack: MiB };
          watch = new MemoryWatch(pid, 200, () => progress.connections, warmUp);
        },
        // Long enough for the memory check to mean something (see memoryBound).
        until: () => progress.connections - (watch?.socketsAtWarmUp ?? Infinity) >= socketsNeeded * 1.6,
        maxSeconds,
      };
      let result: SoakResult;
      try {
        result = await runSoak(config);
      } finally {
        (watch as MemoryWatch | null)?.stop();
      }
      const steady = (watch as MemoryWatch | null)?.steady() ?? [];
      // Counts and descriptors settle once the hub has seen every close (shortly after the devices did).
      const healthAfter = await eventually(
        () => health(port),
        (h) => h.connected === 0,
        5_000,
      );
      const fdsAfter = await eventually(
        () => fdsOf(pid),
        (n) => n <= fdsBefore + 2,
        5_000,
      );
      const counters = await metrics(port);
      // `<reason> <code>` (or the sample's whole name, should it not parse) with its count.
      const disconnects = [...counters]
        .filter(([name, value]) => name.startsWith('relay_hub_disconnects_total{') && value > 0)
        .map(([name, n]) => {
          const [, reason = '', code = ''] = /reason="(\w+)",code="(\d+)"/.exec(name) ?? [];
          return { kind: reason === '' ? name : `${reason} ${code}`, code, n };
        });
      const memory = thirds(steady);
      const warnings = output.split('\n').filter((line) => line.includes('"level":40')).length;
      // SOAK_DEBUG=1 prints every fifth steady sample (ms after the ramp, RSS, sockets opened).
      if (process.env.SOAK_DEBUG) {
        console.log(
          steady
            .filter((_, i) => i % 5 === 0)
            .map((s) => `${s.at} ms ${mib(s.rss)} ${s.sockets}`)
            .join('\n'),
        );
      }
      console.log(
        `soak: ${(result.elapsedMs / 1000).toFixed(0)} s, ${config.clients} live devices (ramp ${result.rampUpMs} ms), ${result.cycles} cycles, ` +
          `${result.connections} sockets, ${result.publishes} publishes, ${result.delivered} deliveries ` +
          `(${result.received} received, ${result.lostToPurposefulCloses} to sockets closed mid-flight), ${result.barriers} barriers, ` +
          `RSS ${mib(memory.first)} → ${mib(memory.last)} over ${memory.socketsBetween} sockets ` +
          `(${steady.length} samples), fds ${fdsBefore} → ${fdsAfter}, ${warnings} warnings logged, ` +
          `departures ${JSON.stringify(result.departures)}, publishes ${JSON.stringify(result.paths)}, ` +
          `hub saw ${disconnects.map((d) => `${d.kind}: ${d.n}`).join(', ')}`,
      );
      // Every way of publishing took part: HTTP and device sockets, text and bytes.
      for (const way of ['http', 'httpBytes', 'socket', 'socketBytes'] as const) {
        expect([way, result.paths[way] > 0]).toEqual([way, true]);
      }

      // Nothing lost, reordered, duplicated or misdelivered: the problems first, they say the most.
      expectClean(result);
      // No leaked clients: every count back to zero.
      expect(healthAfter).toMatchObject({ registered: 0, connected: 0 });
      for (const gauge of ['relay_hub_connections', 'relay_hub_registrations', 'relay_hub_users', 'relay_hub_topics']) {
        expect([gauge, counters.get(gauge)]).toEqual([gauge, 0]);
      }
      // The hub counted what the publishers were told, plus one delivery per barrier.
      expect(counters.get('relay_hub_publishes_total')).toBe(result.publishes + result.barriers);
      expect(counters.get('relay_hub_deliveries_total')).toBe(result.delivered + result.barriers);
      // No leaked sockets: the hub's descriptors are back where they were (+2 for this check's own requests).
      expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + 2);
      // The hub saw each device leave the way it did, by close code, and never an error or a
      // slow-consumer cut. The reason can lag: a device's close or cut can reach the hub after
      // the DELETE (or the reconnect) that follows it, and is then counted as `unregistered`
      // (or `replaced`) with the device's own 1000 or 1006.
      const byCode = new Map<string, number>();
      for (const { kind, code, n } of disconnects) {
        expect(kind).toMatch(/^((client_closed|unregistered|replaced) (1000|1006)|unregistered 4000)$/);
        byCode.set(code, (byCode.get(code) ?? 0) + n);
      }
      expect(Object.fromEntries(byCode)).toEqual({
        1000: result.departures.closed + result.departures.reconnected,
        1006: result.departures.cut,
        // The devices that published over their sockets are unregistered at the end, too.
        4000: result.departures.unregistered + result.publishers,
      });
      // Memory flat: within the bound, and the run long enough for the leak it must catch to break it.
      expect(steady.length).toBeGreaterThanOrEqual(15);
      expect(memory.last - memory.first).toBeLessThan(memoryBound);
      expect(memory.socketsBetween * detectableLeak).toBeGreaterThan(memoryBound);
      expect(output).not.toMatch(/"level":(50|60)/);

      child.kill('SIGTERM');
      expect((await within(once(child, 'exit'), 10_000, 'hub exit'))[0]).toBe(0);
    },
    (maxSeconds + 25) * 1000,
  );
});
