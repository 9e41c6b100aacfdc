/**
 * The history on disk through a crash: the CLI (as shipped, `--fsync`) is killed with SIGKILL in
 * the middle of a publish burst; after a restart, every publish that got its 200 is in its topic's
 * history, in order, with its offset and text, and nothing is there half-written.
 */
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse, PublishReceipt } from '../../shared/api';
import { killClis, runCli } from '../support/cli';
import { metricSample, postJson, rawRequest } from '../support/relay';

afterEach(killClis);

describe('history through a crash', () => {
  it('keeps every acknowledged publish, in order, through a SIGKILL in a burst (--fsync)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-history-crash-'));
    const first = await runCli(dataDir, 0, ['--fsync', '--publish-rate', '0', '--history-size', '1000']);
    const topics = ['a', 'b', 'c', 'd'];
    /** Per topic, what each acknowledged offset carried. */
    const acked = new Map<string, Map<number, string>>(topics.map((t) => [t, new Map()]));
    let total = 0;
    let failed = 0;
    let stop = false;
    const killed = once(first.child, 'exit');
    // Eight writers per topic publish numbered messages as fast as acknowledgements come back.
    const writer = async (topic: string, w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const message = `${topic}-${w}-${i}`;
        try {
          const res = await postJson(first.port, '/publish', { topic, message });
          if (res.status !== 200) throw new Error(`publish answered ${res.status}`);
          acked.get(topic)?.set((res.json as PublishReceipt).offset, message);
          if (++total === 400) first.child.kill('SIGKILL');
        } catch {
          failed++;
          return;
        }
      }
    };
    const writers = topics.flatMap((topic) => Array.from({ length: 8 }, (_, w) => writer(topic, w)));
    expect((await killed)[1]).toBe('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(total).toBeGreaterThanOrEqual(400);
    expect(failed).toBeGreaterThan(0); // publishes really were in flight when it died

    const second = await runCli(dataDir, first.port, ['--history-size', '1000']);
    for (const topic of topics) {
      const res = await rawRequest(second.port, 'GET', `/history/${topic}?limit=1000`);
      const history = res.json as HistoryResponse;
      const offsets = history.messages.map((m) => m.offset);
      // Whole and in order: 1, 2, 3… up to the last one written (acknowledged or in flight).
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1));
      for (const [offset, message] of acked.get(topic) ?? []) {
        expect(history.messages[offset - 1]?.message, `${topic} #${offset}`).toBe(message);
      }
      const maxAcked = Math.max(...(acked.get(topic)?.keys() ?? [0]));
      expect(history.offset).toBeGreaterThanOrEqual(maxAcked);
      expect(history.offset - maxAcked).toBeLessThanOrEqual(8); // at most the writers in flight
      // The stream goes on from where it was.
      const next = (await postJson(second.port, '/publish', { topic, message: 'after' })).json as PublishReceipt;
      expect(next).toMatchObject({ offset: history.offset + 1, epoch: history.epoch });
    }
  }, 60_000);
});

/**
 * Sends `bodies` as pipelined `POST /publish` requests in one write on one connection (so the hub
 * reads them in one turn) and resolves with each answer's status and JSON, in order.
 */
async function pipelinedPublishes(port: number, bodies: unknown[]): Promise<{ status: number; json: unknown }[]> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const requests = bodies.map((body) => {
    const text = JSON.stringify(body);
    const head = `POST /publish HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n`;
    return head + text;
  });
  socket.write(requests.join(''));
  const answers: { status: number; json: unknown }[] = [];
  let data = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${answers.length} answers`)));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
        if (data.length < end + 4 + length) return;
        answers.push({ status: Number(data.slice(9, 12)), json: JSON.parse(data.slice(end + 4, end + 4 + length)) });
        data = data.slice(end + 4 + length);
        if (answers.length === bodies.length) {
          socket.removeAllListeners('close');
          socket.destroy();
          resolve(answers);
          return;
        }
      }
    });
  });
}

describe('group commit through a crash', () => {
  it('has every publish answered by a group commit on disk after a SIGKILL, with one fsync per turn (--fsync)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-group-commit-'));
    const first = await runCli(dataDir, 0, ['--fsync', '--publish-rate', '0', '--history-size', '100000']);
    const acked = new Map<number, string>();
    let stop = false;
    let failed = 0;
    let fsyncs = 0;
    let publishes = 0;
    const killed = once(first.child, 'exit');
    // 8 connections, each sending 25 publishes at once: the hub reads many in one turn, and they
    // share its commit (one write, one fsync).
    const writer = async (w: number): Promise<void> => {
      for (let round = 0; !stop; round++) {
        const messages = Array.from({ length: 25 }, (_, i) => `${w}-${round}-${i}`);
        try {
          const answers = await pipelinedPublishes(
            first.port,
            messages.map((message) => ({ topic: 't', message })),
          );
          answers.forEach(({ status, json }, i) => {
            if (status !== 200) throw new Error(`publish answered ${status}`);
            acked.set((json as PublishReceipt).offset, messages[i] as string);
          });
          if (acked.size >= 2_000 && publishes === 0) {
            publishes = -1;
            fsyncs = (await metricSample(first.port, 'relay_hub_history_fsyncs_total')) ?? 0;
            publishes = (await metricSample(first.port, 'relay_hub_publishes_total')) ?? 0;
            first.child.kill('SIGKILL');
          }
        } catch {
          failed++;
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    expect((await killed)[1]).toBe('SIGKILL');
    stop = true;
    await Promise.all(writers);
    // Batched: far fewer fsyncs than publishes (one per turn, not one per publish).
    expect(publishes).toBeGreaterThanOrEqual(2_000);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(publishes / 4);

    const second = await runCli(dataDir, first.port, ['--history-size', '100000']);
    const messages: HistoryResponse['messages'] = [];
    for (let page: HistoryResponse['messages'] = [null as never]; page.length > 0;) {
      const res = await rawRequest(second.port, 'GET', `/history/t?since=${messages.length}&limit=1000`);
      page = (res.json as HistoryResponse).messages;
      messages.push(...page);
    }
    const offsets = messages.map((m) => m.offset);
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1));
    expect(acked.size).toBeGreaterThanOrEqual(2_000);
    for (const [offset, message] of acked) expect(messages[offset - 1]?.message, `#${offset}`).toBe(message);
    expect(failed).toBeGreaterThan(0); // publishes really were in flight when it died
  }, 60_000);
});
