/** What the registration store accepts from its files, and what it refuses (a hub refuses to start rather than lose data). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistrationStore, StoreError, journalFile, snapshotFile } from './store';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-store-files-'));
const line = (entry: object): string => `${JSON.stringify(entry)}\n`;
const add = (id: string, at = 1): string => line({ op: 'add', id, user: 1, topics: ['cats'], at });
const record = {
  id: 'a',
  userId: 1,
  topics: ['cats'],
  registeredAt: 1,
  lastSeen: 2,
  name: 'kitchen',
  keyId: '0a1b2c3d',
  everConnected: true,
};

/** The StoreError opening `dir` throws (fails the test when it opens, or throws anything else). */
function refusal(dir: string): string {
  try {
    new RegistrationStore(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as Error).message;
  }
  throw new Error('the store opened');
}

describe('the snapshot', () => {
  it('loads every valid registration as stored', () => {
    const dir = tempDir();
    const b = { ...record, id: 'b', userId: 0, topics: [], registeredAt: -5, lastSeen: 0.5, name: null, keyId: null };
    writeFileSync(join(dir, snapshotFile), JSON.stringify({ version: 1, registrations: [record, b] }));
    expect([...new RegistrationStore(dir).all()]).toEqual([record, b]);
  });

  it.each([
    ['{"version":2,"registrations":[]}', /unreadable \(unknown version 2\)/],
    ['{"registrations":[]}', /unreadable \(unknown version undefined\)/],
    ['{"version":1}', /unreadable \(no registrations array\)/],
    ['{"version":1,"registrations":{}}', /unreadable \(no registrations array\)/],
  ])('refuses %s, naming the file', (text, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, snapshotFile), text);
    expect(refusal(dir)).toMatch(message);
    expect(refusal(dir)).toContain(join(dir, snapshotFile));
  });

  it('refuses a time too large to be one (JSON reads 1e400 as Infinity)', () => {
    const dir = tempDir();
    const text = JSON.stringify({ version: 1, registrations: [record] }).replace('"lastSeen":2', '"lastSeen":1e400');
    writeFileSync(join(dir, snapshotFile), text);
    expect(refusal(dir)).toMatch(/holds an invalid registration/);
  });

  it.each([
    null,
    'a',
    7,
    { ...record, id: '' },
    { ...record, id: 5 },
    { ...record, userId: 1.5 },
    { ...record, userId: '1' },
    { ...record, topics: 'cats' },
    { ...record, topics: ['cats', 1] },
    { ...record, registeredAt: '1' },
    { ...record, registeredAt: null },
    { ...record, lastSeen: Infinity },
    { ...record, lastSeen: undefined },
  ])('refuses a snapshot holding %j', (item) => {
    const dir = tempDir();
    writeFileSync(join(dir, snapshotFile), JSON.stringify({ version: 1, registrations: [record, item] }));
    expect(refusal(dir)).toMatch(/holds an invalid registration/);
  });
});

describe('the journal', () => {
  it.each([
    'null',
    '5',
    '"add"',
    line({ op: 'add', id: '', user: 1, topics: [], at: 1 }),
    line({ op: 'add', id: 'x', user: 1.5, topics: [], at: 1 }),
    line({ op: 'add', id: 'x', user: 1, topics: [1], at: 1 }),
    line({ op: 'add', id: 'x', user: 1, topics: 'cats', at: 1 }),
    line({ op: 'add', id: 'x', user: 1, topics: [] }),
    line({ op: 'add', id: 'x', user: 1, topics: [], at: '1' }),
    line({ op: 'topics', id: 'a', topics: [true], at: 1 }),
    line({ op: 'seen', id: 'a', at: NaN }),
    '{"op":"seen","id":"a","at":1e400}',
    line({ op: 'del', at: 1 }),
    line({ op: 'rename', id: 'a', at: 1 }),
  ])('refuses %s before the last line, naming the line', (bad) => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFile), `${add('a')}${bad.trimEnd()}\n${add('b')}`);
    expect(refusal(dir)).toMatch(/registrations\.jsonl is corrupt at line 2; move it aside/);
  });

  it('drops an unreadable last line, with or without its newline, and counts the lines it kept', () => {
    for (const torn of ['{"op":"add","id"', '{"op":"add","id"\n', 'null\n']) {
      const dir = tempDir();
      writeFileSync(join(dir, journalFile), `${add('a')}${add('b')}${torn}`);
      const store = new RegistrationStore(dir);
      expect([...store.all()].map((r) => r.id)).toEqual(['a', 'b']);
      expect(store.journalLines).toBe(2);
      expect(readFileSync(join(dir, journalFile), 'utf8')).toBe(`${add('a')}${add('b')}`);
    }
  });

  it('skips blank lines', () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFile), `\n\n${add('a')}\n\n${add('b')}\n`);
    const store = new RegistrationStore(dir);
    expect([...store.all()].map((r) => r.id)).toEqual(['a', 'b']);
    expect(store.journalLines).toBe(2);
  });

  it('replays changes in order; lines about registrations it does not hold change nothing', () => {
    const dir = tempDir();
    const lines = [
      add('a', 10),
      line({ op: 'seen', id: 'a', at: 30 }),
      line({ op: 'seen', id: 'a', at: 20 }), // earlier activity, written late
      line({ op: 'topics', id: 'a', topics: ['dogs'], at: 40 }),
      line({ op: 'topics', id: 'gone', topics: ['x'], at: 41 }),
      line({ op: 'seen', id: 'gone', at: 42 }),
      line({ op: 'del', id: 'gone', at: 43 }),
    ];
    writeFileSync(join(dir, journalFile), lines.join(''));
    const store = new RegistrationStore(dir);
    expect([...store.all()]).toEqual([
      {
        id: 'a',
        userId: 1,
        topics: ['dogs'],
        registeredAt: 10,
        lastSeen: 30,
        name: null,
        keyId: null,
        everConnected: false,
      },
    ]);
    expect(store.journalLines).toBe(7);
  });

  it('is a StoreError by name too', () => {
    expect(new StoreError('x').name).toBe('StoreError');
  });
});
