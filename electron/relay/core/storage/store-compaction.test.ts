import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { RegistrationStore } from './store';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RegistrationStore compaction in the background', () => {
  it('compacts 100,000 registrations in slices of a few ms, keeping every change made meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-store-compaction-'));
    const store = new RegistrationStore(dir, { compactAfter: 1_000 });
    for (let i = 0; i < 100_000; i++) store.added(`r${i}`, i, ['cats'], 1_000);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    // Past the threshold: the next turn starts the compaction.
    for (let i = 0; i < 1_001; i++) store.seen(`r${i}`, 2_000);
    await turn();
    expect(store.journalLines).toBeGreaterThan(100_000); // still going: not done in one turn
    // Changes while it runs: they go to the journal that follows the snapshot.
    store.added('late', 7, ['dogs'], 3_000);
    store.removed('r5', 3_000);
    store.topicsChanged('r6', ['birds'], 3_000);
    store.seen('r7', 4_000, true);
    let turns = 1;
    while (store.journalLines > 10) {
      await turn();
      turns++;
    }
    loop.disable();
    console.log(
      `compaction of 100,000 registrations: ${turns} turns, longest slice ${store.longestSliceCpuMs.toFixed(1)} ms CPU, ` +
        `longest event-loop delay ${(loop.max / 1e6).toFixed(1)} ms`,
    );
    expect(store.journalLines).toBe(4);
    expect(store.longestSliceCpuMs).toBeLessThan(25);
    store.close();

    const reopened = new RegistrationStore(dir);
    expect(reopened.size).toBe(100_000);
    const records = new Map([...reopened.all()].map((r) => [r.id, r]));
    expect(records.get('late')).toMatchObject({ userId: 7, topics: ['dogs'] });
    expect(records.has('r5')).toBe(false);
    expect(records.get('r6')?.topics).toEqual(['birds']);
    expect(records.get('r7')).toMatchObject({ lastSeen: 4_000, everConnected: true });
    expect(records.get('r999')).toMatchObject({ lastSeen: 2_000, everConnected: false });
    reopened.close();
  }, 60_000);
});
