/**
 * The history on disk through a crash: the CLI (as shipped, `--fsync`) is killed with SIGKILL in
 * the middle of a publish burst; after a restart, every publish that got its 200 is in its topic's
 * history, in order, with its offset and text, and nothing is there half-written.
 */
import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse, PublishReceipt } from '../../shared/api';
import { killClis, runCli } from '../support/cli';
import { postJson, rawRequest } from '../support/relay';

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
