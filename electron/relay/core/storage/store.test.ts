import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistrationStore, StoreError, journalFile, lockFile, snapshotFile } from './store';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-store-'));
const ids = (store: RegistrationStore): string[] => [...store.all()].map((r) => r.id);

describe('RegistrationStore', () => {
  it('journals every change before returning and replays it on open', () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir);
    store.added('a', 1, ['cats'], 1000);
    store.added('b', 2, ['cats'], 2000);
    store.topicsChanged('a', ['dogs', 'birds'], 3000);
    store.seen('b', 4000);
    store.removed('b', 5000);
    // No close(): what a crash leaves behind.
    expect(readFileSync(join(dir, journalFile), 'utf8').trim().split('\n')).toHaveLength(5);
    const reopened = new RegistrationStore(dir);
    expect([...reopened.all()]).toEqual([
      {
        id: 'a',
        userId: 1,
        topics: ['dogs', 'birds'],
        registeredAt: 1000,
        lastSeen: 1000,
        name: null,
        keyId: null,
        everConnected: false,
      },
    ]);
  });

  it('drops a torn last line and keeps appending after it', () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir);
    store.added('a', 1, ['cats'], 1000);
    appendFileSync(join(dir, journalFile), '{"op":"add","id":"torn","us');
    const reopened = new RegistrationStore(dir);
    expect(ids(reopened)).toEqual(['a']);
    reopened.added('c', 3, ['cats'], 3000);
    expect(ids(new RegistrationStore(dir))).toEqual(['a', 'c']);
  });

  it('keeps a complete last entry that lost only its newline', () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFile), '{"op":"add","id":"a","user":1,"topics":["cats"],"at":1}');
    const store = new RegistrationStore(dir);
    store.added('b', 2, ['cats'], 2);
    expect(ids(new RegistrationStore(dir))).toEqual(['a', 'b']);
  });

  it('refuses a journal corrupt before its last line, naming the file and line', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, journalFile),
      '{"op":"add","id":"a","user":1,"topics":["cats"],"at":1}\nnot json\n{"op":"del","id":"a","at":2}\n',
    );
    expect(() => new RegistrationStore(dir)).toThrow(StoreError);
    expect(() => new RegistrationStore(dir)).toThrow(/registrations\.jsonl is corrupt at line 2/);
  });

  it('compacts into an atomic snapshot and an empty journal', () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir);
    for (let i = 0; i < 50; i++) store.added(`id${i}`, i, ['cats'], i);
    for (let i = 0; i < 40; i++) store.removed(`id${i}`, 100);
    store.compact();
    expect(readFileSync(join(dir, journalFile), 'utf8')).toBe('');
    const snapshot = JSON.parse(readFileSync(join(dir, snapshotFile), 'utf8')) as { registrations: unknown[] };
    expect(snapshot.registrations).toHaveLength(10);
    store.added('late', 99, ['x'], 200);
    const reopened = new RegistrationStore(dir);
    expect(reopened.size).toBe(11);
    expect([...reopened.all()].at(-1)).toMatchObject({ id: 'late', topics: ['x'] });
  });

  it('compacts by itself, after the turn, once the journal holds more than compactAfter extra lines', async () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir, { compactAfter: 2 });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    store.added('a', 1, ['cats'], 1);
    store.seen('a', 2);
    store.seen('a', 3); // 3 lines for 1 registration: 2 extra, not more
    await turn();
    expect([store.journalLines, store.fsyncs]).toEqual([3, 0]);
    store.seen('a', 4); // 3 extra
    expect(store.journalLines).toBe(4); // never on the caller's path
    await turn();
    expect([store.journalLines, store.fsyncs]).toEqual([0, 3]);
    expect(new RegistrationStore(dir).size).toBe(1);
    // Again, and a compaction done meanwhile is not repeated: the queued one checks again.
    for (let at = 5; at < 9; at++) store.seen('a', at);
    store.compact();
    for (let at = 9; at < 12; at++) store.seen('a', at); // 2 extra again
    await turn();
    expect([store.journalLines, store.fsyncs]).toEqual([3, 6]);
    store.seen('a', 12);
    await turn();
    expect([store.journalLines, store.fsyncs]).toEqual([0, 9]);
  });

  it('ignores changes to registrations it does not hold', () => {
    const store = new RegistrationStore(tempDir());
    store.topicsChanged('ghost', ['x']);
    store.seen('ghost');
    store.removed('ghost');
    expect(store.journalLines).toBe(0);
  });

  it('close() compacts what the journal holds, closes its files, and writes nothing when nothing changed', () => {
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const dir = tempDir();
    const before = openFiles();
    const idle = new RegistrationStore(dir);
    idle.close();
    expect(existsSync(join(dir, snapshotFile))).toBe(false);
    const store = new RegistrationStore(dir);
    store.added('a', 1, ['cats'], 1);
    expect(openFiles()).toBe(before + 1); // the journal
    store.compact();
    expect(openFiles()).toBe(before + 1); // the snapshot and the folder are closed again
    store.seen('a', 2);
    store.close();
    expect(openFiles()).toBe(before);
    expect(store.journalLines).toBe(0);
    expect([...new RegistrationStore(dir).all()]).toEqual([
      {
        id: 'a',
        userId: 1,
        topics: ['cats'],
        registeredAt: 1,
        lastSeen: 2,
        name: null,
        keyId: null,
        everConnected: false,
      },
    ]);
  });

  it('replays a journal left over from a compaction cut before its truncate (idempotent)', () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir);
    store.added('a', 1, ['cats'], 1);
    store.added('b', 2, ['cats'], 2);
    store.removed('a', 3);
    const journal = readFileSync(join(dir, journalFile), 'utf8');
    store.compact();
    writeFileSync(join(dir, journalFile), journal); // as if the truncate never happened
    expect(ids(new RegistrationStore(dir))).toEqual(['b']);
  });

  it('refuses a corrupt snapshot clearly instead of starting without its registrations', () => {
    const dir = tempDir();
    writeFileSync(join(dir, snapshotFile), '{"version":1,"registrations":[{"id":"a"');
    expect(() => new RegistrationStore(dir)).toThrow(StoreError);
    expect(() => new RegistrationStore(dir)).toThrow(/registrations\.json is unreadable .*move it aside/);
    writeFileSync(join(dir, snapshotFile), '{"version":1,"registrations":[{"id":"a","userId":"x"}]}');
    expect(() => new RegistrationStore(dir)).toThrow(/invalid registration/);
  });

  it('keeps names, keys, last activity and whether a socket ever opened, through reopen and compaction', () => {
    const dir = tempDir();
    const store = new RegistrationStore(dir);
    store.added('old', 1, ['cats'], 1000);
    store.added('new', 2, ['cats'], 1000, { name: 'kitchen', keyId: '0a1b2c3d' });
    store.seen('new', 5000, true);
    store.seen('new', 3000); // a late line about an earlier event: activity only moves forward
    const expected = [
      { id: 'old', userId: 1, lastSeen: 1000, name: null, keyId: null, everConnected: false },
      { id: 'new', userId: 2, lastSeen: 5000, name: 'kitchen', keyId: '0a1b2c3d', everConnected: true },
    ];
    expect([...store.all()]).toMatchObject(expected);
    store.close();
    const replayed = new RegistrationStore(dir); // from the journal... (close compacted it: the snapshot)
    expect([...replayed.all()]).toMatchObject(expected);
    replayed.seen('old', 6000);
    replayed.close();
    expect([...new RegistrationStore(dir).all()]).toMatchObject([
      { id: 'old', lastSeen: 6000, everConnected: false },
      { id: 'new', everConnected: true },
    ]);
  });

  it('reads snapshots written before names and keys (any activity after registering was a connect)', () => {
    const dir = tempDir();
    const registrations = [
      { id: 'a', userId: 1, topics: ['cats'], registeredAt: 1000, lastSeen: 1000 },
      { id: 'b', userId: 2, topics: ['cats'], registeredAt: 1000, lastSeen: 2000 },
    ];
    writeFileSync(join(dir, snapshotFile), JSON.stringify({ version: 1, registrations }));
    expect([...new RegistrationStore(dir).all()]).toEqual([
      { ...registrations[0], name: null, keyId: null, everConnected: false },
      { ...registrations[1], name: null, keyId: null, everConnected: true },
    ]);
  });

  it('with fsync, flushes the journal after writing each acknowledged change, before returning', () => {
    const dir = tempDir();
    const journal = join(dir, journalFile);
    const syncs: { file: string; lines: number }[] = [];
    const syncFile = (fd: number): void => {
      // What is on disk at the flush: which file, and how many journal lines it then holds.
      const file = fstatSync(fd).ino === statSync(journal).ino ? 'journal' : 'other';
      syncs.push({ file, lines: readFileSync(journal, 'utf8').split('\n').length - 1 });
      fsyncSync(fd);
    };
    const store = new RegistrationStore(dir, { fsync: true, syncFile });
    store.added('a', 1, ['cats'], 1);
    expect(syncs).toEqual([{ file: 'journal', lines: 1 }]);
    store.topicsChanged('a', ['dogs'], 2); // not acknowledged to anyone: written, not flushed
    store.seen('a', 3);
    store.removed('unknown', 4); // nothing to record
    expect(syncs).toHaveLength(1);
    store.removed('a', 5);
    expect(syncs).toEqual([
      { file: 'journal', lines: 1 },
      { file: 'journal', lines: 4 },
    ]);
    expect(store.fsyncs).toBe(2);
    expect(ids(new RegistrationStore(dir))).toEqual([]);
  });

  it('without fsync, never flushes a change; a compaction flushes the snapshot, the folder and the journal', () => {
    const dir = tempDir();
    const synced: string[] = [];
    const syncFile = (fd: number): void => {
      const stat = fstatSync(fd);
      synced.push(stat.isDirectory() ? 'dir' : stat.size === 0 ? 'empty file' : 'snapshot');
      fsyncSync(fd);
    };
    const store = new RegistrationStore(dir, { syncFile });
    store.added('a', 1, ['cats'], 1);
    store.removed('a', 2);
    store.added('b', 2, ['cats'], 3);
    expect(synced).toEqual([]);
    expect(store.fsyncs).toBe(0);
    store.compact();
    // The snapshot is flushed before its rename, the folder after it, the emptied journal last.
    expect(synced).toEqual(['snapshot', 'dir', 'empty file']);
    expect(store.fsyncs).toBe(3);
  });

  it('refuses a data dir another live process holds, and takes over the lock of a dead one', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await once(other, 'spawn');
    try {
      writeFileSync(join(dir, lockFile), `${other.pid}\n`);
      expect(() => new RegistrationStore(dir)).toThrow(new RegExp(`in use by process ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
    // The holder died without cleaning up (kill -9): its lock is stale.
    expect(new RegistrationStore(dir).size).toBe(0);
    expect(readFileSync(join(dir, lockFile), 'utf8')).toBe(`${process.pid}\n`);
    // A lock naming no process at all (not a pid, 0 or -1: kill(2) would mean groups) is taken too.
    for (const text of ['garbage', '0', '-1', '1.5', '']) {
      writeFileSync(join(dir, lockFile), `${text}\n`);
      expect(new RegistrationStore(dir).size, text).toBe(0);
    }
    // Process 1 never dies (and may belong to another user): its lock holds.
    writeFileSync(join(dir, lockFile), '1\n');
    const refused = (() => {
      try {
        return new RegistrationStore(dir);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as Error).name).toBe('StoreError');
    expect((refused as Error).message).toMatch(/in use by process 1;/);
  });

  it('at exit, removes the locks it still holds and leaves one another process took over', () => {
    const mine = tempDir();
    const taken = tempDir();
    new RegistrationStore(mine);
    new RegistrationStore(taken);
    writeFileSync(join(taken, lockFile), '4194303\n'); // another hub's now
    // The exit hook, run as the process would at exit (one per loaded copy of the store module).
    const releases = process.listeners('exit').filter((listener) => listener.name === 'releaseLocks');
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) release(0);
    expect(existsSync(join(mine, lockFile))).toBe(false);
    expect(readFileSync(join(taken, lockFile), 'utf8')).toBe('4194303\n');
    // With no lock held, the next store adds the hook again, once.
    const hooks = process.listenerCount('exit');
    new RegistrationStore(tempDir());
    expect(process.listenerCount('exit')).toBe(hooks + 1);
    new RegistrationStore(tempDir());
    expect(process.listenerCount('exit')).toBe(hooks + 1);
  });
});
