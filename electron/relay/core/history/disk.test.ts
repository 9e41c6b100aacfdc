import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DiskEngine } from './disk';
import { encodeRecord } from './records';
import type { HistoryLimits } from './types';

const limits: HistoryLimits = { perTopic: 100, ttlMs: 0, maxBytes: 0 };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-history-'));
const segmentsOf = (dir: string): string[] => readdirSync(join(dir, 'history')).filter((name) => name.endsWith('.seg'));
const messages = (engine: DiskEngine, topic: string): (string | Buffer)[] =>
  engine.history(topic, 0, 1_000).publications.map((p) => p.message);

describe('DiskEngine', () => {
  it('keeps history, offsets, epochs and retained messages across a restart', () => {
    const dir = tempDir();
    const first = new DiskEngine(dir, limits, { fsync: false });
    const a1 = first.append('a', 'one', undefined, 1_000, false);
    first.append('a', 'two', 7, 2_000, false);
    first.append('b', 'state', undefined, 3_000, true);
    first.append('b', 'after', undefined, 4_000, false);
    first.close();
    const second = new DiskEngine(dir, limits, { fsync: false });
    expect(second.position('a')).toEqual({ offset: 2, epoch: a1.epoch });
    expect(second.history('a', 0, 10).publications).toEqual([
      expect.objectContaining({ offset: 1, message: 'one', ts: 1_000, userId: undefined }),
      expect.objectContaining({ offset: 2, message: 'two', ts: 2_000, userId: 7 }),
    ]);
    expect(second.retained('b')).toMatchObject({ offset: 1, message: 'state', retain: true });
    expect(second.recover('a', { offset: 1, epoch: a1.epoch }, 7)).toMatchObject({
      recovered: true,
      publications: [expect.objectContaining({ message: 'two' })],
    });
    expect(second.append('a', 'three', undefined, 5_000, false).publication.offset).toBe(3);
    second.close();
  });

  it('keeps each publication’s MQTT QoS across a restart; a record from before the QoS was kept reads as QoS 1', () => {
    const dir = tempDir();
    const first = new DiskEngine(dir, limits, { fsync: false });
    first.append('zero', 'a', undefined, 1, true, 0);
    first.append('one', 'b', undefined, 1, true, 1);
    first.append('two', 'c', undefined, 1, true, 2);
    first.append('two', 'd', undefined, 2, false, 0);
    first.close();
    // What the previous version wrote: the same record with no QoS in its flags.
    const old = encodeRecord({
      kind: 'publication',
      topic: 'old',
      offset: 1,
      ts: 1,
      message: 'e',
      userId: undefined,
      retain: true,
      qos: 2,
      epoch: 'x',
    });
    old[8 + 1] = (old[8 + 1] as number) & 0b111;
    old.writeUInt32LE(crc32(old.subarray(8)), 4);
    const [newest] = segmentsOf(dir).sort().reverse();
    appendFileSync(join(dir, 'history', newest as string), old);
    const second = new DiskEngine(dir, limits, { fsync: false });
    expect(['zero', 'one', 'two', 'old'].map((topic) => second.retained(topic)?.qos)).toEqual([0, 1, 2, 1]);
    expect(second.history('two', 0, 10).publications.map((p) => p.qos)).toEqual([2, 0]);
    second.close();
  });

  it('keeps a cleared retained message cleared, and a cleared history empty, after a restart', () => {
    const dir = tempDir();
    const first = new DiskEngine(dir, limits, { fsync: false });
    first.append('t', 'kept?', undefined, 1, true);
    first.append('u', 'x', undefined, 1, false);
    expect(first.clearRetained('t')).toBe(true);
    expect(first.clearHistory('u')).toBe(1);
    first.append('v', 'on', undefined, 1, true);
    first.append('v', '', undefined, 2, true); // an empty retained message clears it
    first.close();
    const second = new DiskEngine(dir, limits, { fsync: false });
    expect(second.retained('t')).toBeNull();
    expect(second.retained('v')).toBeNull();
    expect(messages(second, 'u')).toEqual([]);
    expect(second.position('u')?.offset).toBe(1);
    second.close();
  });

  it('cuts off a torn last record (an interrupted write) and keeps every whole one', () => {
    const dir = tempDir();
    const first = new DiskEngine(dir, limits, { fsync: false });
    for (let i = 1; i <= 5; i++) first.append('t', `m${i}`, undefined, i, false);
    first.close();
    const [newest] = segmentsOf(dir).sort().reverse();
    const path = join(dir, 'history', newest as string);
    const whole = statSync(path).size;
    const record = encodeRecord({
      kind: 'publication',
      topic: 't',
      offset: 6,
      ts: 6,
      message: 'torn',
      userId: undefined,
      retain: false,
      qos: 0,
      epoch: 'x',
    });
    appendFileSync(path, record.subarray(0, record.length - 3));
    const second = new DiskEngine(dir, limits, { fsync: false });
    expect(messages(second, 't')).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(statSync(path).size).toBe(whole);
    second.close();
  });

  it('moves a damaged segment aside, says so, and gives every topic a new epoch; the rest stays', () => {
    const dir = tempDir();
    const small = { fsync: false, segmentBytes: 200 };
    const first = new DiskEngine(dir, limits, small);
    const { epoch } = first.append('t', 'first', undefined, 1, false);
    for (let i = 2; i <= 10; i++) first.append('t', `m${i}`.padEnd(40, '.'), undefined, i, false);
    first.close();
    const oldest = join(dir, 'history', segmentsOf(dir).sort()[0] as string);
    const bytes = readFileSync(oldest);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] as number) ^ 0xff; // a flipped bit in a message
    writeFileSync(oldest, bytes);
    const warnings: string[] = [];
    const second = new DiskEngine(dir, limits, { ...small, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringMatching(/history segment .*damaged.*moved aside.*new epoch/)]);
    expect(readdirSync(join(dir, 'history')).some((name) => name.includes('.damaged-'))).toBe(true);
    const position = second.position('t');
    expect(position?.epoch).not.toBe(epoch);
    expect(position?.offset).toBe(10);
    expect(second.recover('t', { offset: 1, epoch }, 1).recovered).toBe(false);
    const kept = messages(second, 't');
    expect(kept.length).toBeGreaterThan(0);
    second.close();
    // The new epoch is on disk: a third start keeps it, with what the second kept.
    const third = new DiskEngine(dir, limits, small);
    expect(third.position('t')).toEqual(position);
    expect(messages(third, 't')).toEqual(kept);
    third.close();
  });

  it('deletes segments whose messages all left the history, and copies live ones forward', () => {
    const dir = tempDir();
    const engine = new DiskEngine(
      dir,
      { perTopic: 5, ttlMs: 0, maxBytes: 0 },
      { fsync: false, segmentBytes: 1_024, slackBytes: 0 },
    );
    engine.append('quiet', 'still here', undefined, 1, true, 2);
    for (let i = 0; i < 2_000; i++) engine.append('busy', `m${i}`.padEnd(60, '.'), undefined, i, false);
    const before = engine.diskUsage();
    // The busy topic's old segments died as it moved on; the quiet topic's retained message pins one.
    expect(before.segments).toBeLessThan(10);
    engine.start();
    for (let pass = 0; pass < 10; pass++) (engine as unknown as { background(ms: number): boolean }).background(50);
    const after = engine.diskUsage();
    expect(after.bytes).toBeLessThanOrEqual(2 * after.liveBytes + 2_048);
    expect(engine.counters.compactedRecords).toBeGreaterThan(0);
    engine.close();
    const again = new DiskEngine(dir, { perTopic: 5, ttlMs: 0, maxBytes: 0 }, { fsync: false });
    expect(again.retained('quiet')).toMatchObject({ message: 'still here', qos: 2 });
    expect(messages(again, 'busy')).toEqual([1_995, 1_996, 1_997, 1_998, 1_999].map((i) => `m${i}`.padEnd(60, '.')));
    again.close();
  });

  it('fsyncs every acknowledged write only when asked', () => {
    const plain = new DiskEngine(tempDir(), limits, { fsync: false });
    plain.append('t', 'x', undefined, 1, false);
    expect(plain.counters.fsyncs).toBe(0);
    plain.close();
    const durable = new DiskEngine(tempDir(), limits, { fsync: true });
    durable.append('t', 'x', undefined, 1, false);
    durable.append('t', 'y', undefined, 1, true);
    durable.clearRetained('t');
    expect(durable.counters.fsyncs).toBe(3);
    durable.close();
  });

  it('starts with a full history (1,000 topics × 100 messages) in about a second of CPU', () => {
    const dir = tempDir();
    const filling = new DiskEngine(dir, limits, { fsync: false });
    for (let i = 0; i < 100; i++) {
      for (let t = 0; t < 1_000; t++)
        filling.append(`sensors/${t}`, `{"reading":${i},"unit":"C"}`, undefined, i, false);
    }
    filling.close();
    // The start-up is synchronous: its CPU time is its duration on an idle core, and unlike the
    // wall clock it does not grow when other test files (or other work) share the machine's cores.
    // It counts V8's GC helper threads too: 700–920 ms here alone, up to 1,060 ms at a load of 9,
    // so the guard is 1.5 s (a regression to per-message work shows as several seconds).
    const started = performance.now();
    const cpu = process.cpuUsage();
    const engine = new DiskEngine(dir, limits, { fsync: false });
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = (user + system) / 1000;
    const ms = performance.now() - started;
    console.log(
      `start with 100,000 messages in 1,000 topics: ${cpuMs.toFixed(0)} ms of CPU (${ms.toFixed(0)} ms wall)`,
    );
    expect(engine.totals().messages).toBe(100_000);
    expect(cpuMs).toBeLessThan(1_500);
    engine.close();
  }, 60_000);

  it('compacts a full budget in the background without stalling the event loop for more than 20 ms', async () => {
    const dir = tempDir();
    const budget: HistoryLimits = { perTopic: 200, ttlMs: 0, maxBytes: 32 << 20 };
    const engine = new DiskEngine(dir, budget, { fsync: false, segmentBytes: 1 << 20, slackBytes: 1 << 20 });
    const body = 'x'.repeat(900);
    // About 32 MiB: 200 topics × 180 messages of ~1 KiB.
    for (let i = 0; i < 180; i++) for (let t = 0; t < 200; t++) engine.append(`t${t}`, body, undefined, i, false);
    engine.start();
    // Most topics empty out: every old segment is mostly dead, each still pinned by the topics that stay.
    for (let t = 0; t < 200; t++) if (t % 10 !== 0) engine.clearHistory(`t${t}`);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const { bytes, liveBytes } = engine.diskUsage();
      if (bytes <= 2 * liveBytes + (1 << 20)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    loop.disable();
    const usage = engine.diskUsage();
    // The longest slice of background work in CPU time: what the compaction itself held the event
    // loop for. Its wall time and the event loop's longest delay also count the time this process
    // waited for a core (the test suite runs beside other workers on 2 cores): printed only.
    const sliceMs = engine.longestSliceCpuMs;
    console.log(
      `compaction: ${engine.counters.compactedRecords} records copied, longest slice ${sliceMs.toFixed(1)} ms CPU ` +
        `(${engine.longestSliceMs.toFixed(1)} ms wall), longest event-loop delay ${(loop.max / 1e6).toFixed(1)} ms`,
    );
    expect(usage.bytes).toBeLessThanOrEqual(2 * usage.liveBytes + (1 << 20));
    expect(engine.counters.compactedRecords).toBeGreaterThan(0);
    expect(sliceMs).toBeGreaterThan(0);
    expect(sliceMs).toBeLessThanOrEqual(20);
    engine.close();
  }, 60_000);
});
