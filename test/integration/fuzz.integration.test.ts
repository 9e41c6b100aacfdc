/**
 * Fuzz: thousands of generated malformed HTTP bodies, raw requests (methods, paths, headers,
 * framing) and raw WebSocket frames against a real hub, in-process and as the shipped CLI.
 * Every answer must be a 2xx/4xx or a documented close code, never a 5xx, a hang or a crash,
 * and a device registered before the fuzz still receives publishes in order afterwards.
 * Reproduce with FUZZ_SEED=<seed printed on failure>; scale with FUZZ_RUNS=<factor>.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCase, runAdminCase } from '../fuzz/admin';
import { bodyCase, Rng } from '../fuzz/gen';
import { rawCase, regressionCases } from '../fuzz/raw';
import { post, runWsCase, sendBody, sendRaw, type Outcome } from '../fuzz/run';
import { describeFrames, wsCase } from '../fuzz/ws';
import { buildCli, Device, rawRequest, startHub, type TestHub } from '../support/relay';

const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const scale = Number(process.env.FUZZ_RUNS ?? 1);
const counts = { body: Math.round(1_500 * scale), raw: Math.round(700 * scale), ws: Math.round(500 * scale) };
const limits = { maxBodyBytes: 64 * 1024, maxPayloadBytes: 64 * 1024, maxMessageBytes: 16 * 1024 };
const topicLimits = { maxTopics: 64, maxTopicLength: 256 };
const inFlight = 32;
/** The in-process hub is locked down (token, origin allow-list) so that those checks are fuzzed too. */
const token = 'fuzz-token-0123456789abcdef';

/** Counts per family and per answer, and every problem with the input that caused it. */
class Tally {
  readonly families = new Map<string, number>();
  readonly answers = new Map<string, number>();
  readonly problems: string[] = [];
  constructor(readonly name: string) {}

  note(family: string, input: string, outcome: Outcome): void {
    this.families.set(family, (this.families.get(family) ?? 0) + 1);
    this.answers.set(outcome.label, (this.answers.get(outcome.label) ?? 0) + 1);
    if (outcome.problem !== null) this.problems.push(`[${family}] ${outcome.problem}\n    input: ${input}`);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.families.values()) sum += n;
    return sum;
  }

  /** One line: inputs per family (register, publish, raw, ws) and the histogram of answers. */
  summary(): string {
    const groups = new Map<string, number>();
    for (const [family, n] of this.families) {
      const group = family.split(':', 1)[0] as string;
      groups.set(group, (groups.get(group) ?? 0) + n);
    }
    const list = (map: Map<string, number>): string =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}:${v}`)
        .join(' ');
    return (
      `fuzz ${this.name} seed=${seed}: ${this.total} inputs {${list(groups)}} ` +
      `(${this.families.size} sub-families) answers {${list(this.answers)}}`
    );
  }

  /** Fails with the seed and the first problems (each with its input). */
  assertClean(): void {
    console.log(this.summary());
    const shown = this.problems.slice(0, 10).join('\n');
    expect(this.problems, `FUZZ_SEED=${seed} reproduces; ${this.problems.length} problems:\n${shown}`).toEqual([]);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A short, printable description of a generated input. */
function describeBytes(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 160).toString('latin1'));
  return bytes.length > 160 ? `${text}… (${bytes.length} bytes)` : text;
}

/** Every family against the hub on `port`; `scaleBy` shrinks the counts (the CLI round). */
async function fuzzAll(port: number, auth: string | null, rng: Rng, tally: Tally, scaleBy: number): Promise<void> {
  const bodyLimits = { ...limits, maxTopicLength: topicLimits.maxTopicLength };
  const bodies = Array.from({ length: Math.round(counts.body * scaleBy) }, () => bodyCase(rng, bodyLimits, auth));
  await pool(bodies, inFlight, async (item) => {
    const input = `${item.method} ${item.path} ${JSON.stringify(item.headers)} ${item.body.length > 1 ? `chunked×${item.body.length} ` : ''}${describeBytes(Buffer.concat(item.body))}`;
    tally.note(item.family, input, await sendBody(port, item));
  });

  // Inputs that once broke a hub go first, one at a time, each followed by a health check.
  for (const item of regressionCases()) {
    const outcome = await sendRaw(port, item);
    const alive = await rawRequest(port, 'GET', '/health').then(
      (res) => res.status === 200,
      () => false,
    );
    const problem = outcome.problem ?? (alive ? null : 'the hub stopped answering after this input');
    tally.note(`raw:${item.family}`, describeBytes(item.bytes), { ...outcome, problem });
    if (!alive) return; // nothing more to learn from a dead hub
  }

  // Raw requests may aim at real registrations (never the witness's).
  const targets = await Promise.all([7001, 7002, 7003].map((user) => registered(port, auth, user)));
  const raws = Array.from({ length: Math.round(counts.raw * scaleBy) }, () => rawCase(rng, targets));
  await pool(raws, inFlight, async (item) => {
    tally.note(`raw:${item.family}`, describeBytes(item.bytes), await sendRaw(port, item));
  });

  const wsLimits = { maxPayloadBytes: limits.maxPayloadBytes, maxMessageBytes: limits.maxMessageBytes, ...topicLimits };
  const frames = Array.from({ length: Math.round(counts.ws * scaleBy) }, (_, n) => wsCase(rng, wsLimits, n));
  await pool(frames, inFlight, async (item, n) => {
    const input = `${item.early === true ? 'with the upgrade: ' : ''}${describeFrames(Buffer.concat(item.frames))}`;
    let outcome: Outcome;
    try {
      outcome = await runWsCase(port, auth, 8_000 + n, item);
    } catch (error) {
      outcome = { label: 'error', problem: `case failed: ${(error as Error).message}` };
    }
    tally.note(`ws:${item.family}`, input, outcome);
  });
}

/** Registers `userId` and returns the id. */
async function registered(port: number, auth: string | null, userId: number): Promise<string> {
  const res = await post(port, '/register', { user_id: userId }, auth);
  expect(res.status).toBe(200);
  return (res.json as { id: string }).id;
}

/** A device registered before the fuzz, subscribed to its own topic only. */
async function witnessOn(port: number, auth: string | null, topic: string): Promise<Device> {
  const device = await Device.connect(`ws://127.0.0.1:${port}/ws/${await registered(port, auth, 1)}`);
  device.send(JSON.stringify({ topics: [topic] }));
  // Frames are handled in order: once the ping's pong is back, the topics are applied.
  const pong = once(device.ws, 'pong');
  device.ws.ping('synced');
  await pong;
  return device;
}

/** The witness still receives publishes, in order, through the HTTP API. */
async function checkWitness(port: number, auth: string | null, witness: Device, topic: string): Promise<void> {
  expect((await rawRequest(port, 'GET', '/health')).status).toBe(200);
  expect(witness.closeCode).toBeNull();
  // Nothing the fuzz published (or subscribed to) reached a device on another topic.
  expect(witness.messages).toEqual([]);
  const before = witness.messages.length;
  const sent = Array.from({ length: 20 }, (_, i) => `after-fuzz-${i}`);
  for (const message of sent) {
    const res = await post(port, '/publish', { topic, message }, auth);
    expect(res.json).toMatchObject({ delivered: 1 });
  }
  await witness.waitForMessages(before + sent.length);
  expect(witness.messages.slice(before)).toEqual(sent);
  await witness.close();
}

/** Resolves with `promise`, or fails with `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (FUZZ_SEED=${seed})`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `check()` holds, re-checked on every relay event; fails after 5 s with the stats. */
function settled(hub: TestHub, check: () => boolean): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the hub did not settle: ${JSON.stringify(hub.relay.stats())}`));
    }, 5_000);
    const off = hub.relay.on(() => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe('fuzz (in-process hub)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ ...limits, ...topicLimits, accessToken: token, allowedOrigins: ['http://allowed.example'] });
  });
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await hub.relay.stop();
  });

  it(
    'answers every malformed input with a 2xx/4xx or a documented close, and keeps serving',
    async () => {
      const topic = `witness-${seed}`;
      const witness = await witnessOn(hub.port, token, topic);
      const tally = new Tally('in-process');
      await fuzzAll(hub.port, token, new Rng(seed), tally, 1);
      tally.assertClean();
      expect(tally.total).toBeGreaterThanOrEqual(counts.body + counts.raw + counts.ws);
      // Every fuzz socket has ended on our side: the hub must have let go of all of them.
      await settled(hub, () => hub.relay.stats().connected === 1);
      await checkWitness(hub.port, token, witness, topic);
      // A socket the hub holds on to (e.g. one it never reads to its end) keeps stop() waiting.
      await within(hub.relay.stop(), 10_000, 'relay.stop() did not finish: the hub still holds a fuzz socket');
      stopped = true;
    },
    60_000 * Math.max(1, scale),
  );
});

describe('fuzz (in-process hub, per-IP rate limits on)', () => {
  it(
    'answers junk over the limits with a proper 429 (Retry-After, rate_limited) or its usual answer',
    async () => {
      const hub = await startHub({
        ...limits,
        registerRatePerSec: 5,
        registerBurst: 80,
        publishRatePerSec: 5,
        publishBurst: 80,
      });
      try {
        const rng = new Rng(seed ^ 0x2545f491);
        const tally = new Tally('rate-limited');
        const bodyLimits = { ...limits, maxTopicLength: topicLimits.maxTopicLength };
        const bodies = Array.from({ length: Math.round(300 * scale) }, () => bodyCase(rng, bodyLimits));
        await pool(bodies, inFlight, async (item) => {
          tally.note(item.family, `${item.method} ${item.path}`, await sendBody(hub.port, item, true));
        });
        tally.assertClean();
        expect(tally.answers.get('429')).toBeGreaterThan(0);
        expect((await rawRequest(hub.port, 'GET', '/health')).status).toBe(200);
      } finally {
        await hub.relay.stop();
      }
    },
    60_000 * Math.max(1, scale),
  );
});

describe('fuzz (CLI child process)', () => {
  let child: ChildProcessWithoutNullStreams | null = null;
  let output = '';
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it(
    'survives a round of every family and still answers /health',
    async () => {
      const cli = await buildCli();
      const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-fuzz-'));
      const args = [
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--register-rate',
        '0',
        '--publish-rate',
        '0',
      ];
      args.push('--max-body-bytes', String(limits.maxBodyBytes), '--max-payload-bytes', String(limits.maxPayloadBytes));
      args.push('--max-message-bytes', String(limits.maxMessageBytes), '--dashboard', '--log-level', 'warn');
      const started = spawn(process.execPath, [cli, ...args], {
        // MQTT off: never the default port 1883.
        env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules'), RELAY_HUB_MQTT_PORT: 'off' },
      });
      child = started;
      started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      while (!/Register a device/.test(output)) {
        if (started.exitCode !== null) throw new Error(`exited: ${output}`);
        await Promise.race([once(started.stdout, 'data'), once(started, 'exit')]);
      }
      const port = Number(/listening on .*:(\d+)/.exec(output)?.[1]);
      const topic = `witness-cli-${seed}`;
      const witness = await witnessOn(port, null, topic);
      const tally = new Tally('cli');
      const rng = new Rng(seed ^ 0x5bd1e995);
      await fuzzAll(port, null, rng, tally, 0.25);
      if (tally.problems.length > 0 && started.exitCode === null) {
        // A crashed child may still be printing its stack: give it a moment to exit.
        await Promise.race([once(started, 'exit'), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      }
      const last = output.slice(-1_500);
      expect(started.exitCode, `the CLI died (FUZZ_SEED=${seed}); its output ends with:\n${last}`).toBeNull();
      // The dashboard's admin socket, with the admin token the CLI printed.
      const adminToken = decodeURIComponent(/#token=(\S+)/.exec(output)?.[1] ?? '');
      const admins = Array.from({ length: Math.round(150 * scale) }, (_, n) => adminCase(rng, n + 1));
      await pool(admins, 16, async (item) => {
        tally.note(`admin:${item.family}`, item.text.slice(0, 200), await runAdminCase(port, adminToken, item));
      });
      expect(
        started.exitCode,
        `the CLI died (FUZZ_SEED=${seed}); its output ends with:\n${output.slice(-1_500)}`,
      ).toBeNull();
      tally.assertClean();
      await checkWitness(port, null, witness, topic);
      // No error-level log line (a guarded 500, a failed metric…) in the whole run.
      expect(output).not.toMatch(/"level":(50|60)/);
      started.kill('SIGTERM');
      const [code] = await within(
        once(started, 'exit') as Promise<[number | null]>,
        10_000,
        'the CLI did not exit on SIGTERM (held sockets?)',
      );
      expect(code).toBe(0);
    },
    60_000 * Math.max(1, scale),
  );
});
