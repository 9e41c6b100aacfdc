/**
 * Registrations on disk, so they survive a restart and a crash: an append-only JSON-lines
 * journal written with `fs.writeSync` before the hub answers, compacted into a snapshot by
 * write-to-temp + fsync + rename. Node's own `fs` on purpose: no native module to rebuild for
 * Electron, no database server to install, and every durability step stays visible here.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from './atomic-file';
import { toEntry, toStored, type Entry, type StoredRegistration } from './store-lines';

export type { StoredRegistration } from './store-lines';

/** Who registered, besides the user: the optional name and key. */
export interface StoredIdentity {
  name: string | null;
  keyId: string | null;
}

/** A data directory the store cannot read safely (the hub refuses to start rather than lose data). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Store tuning. */
export interface StoreOptions {
  /** fsync the journal after every acknowledged change (power-loss durability; slower). */
  fsync?: boolean;
  /** Compact once the journal holds this many lines more than there are registrations. Default 10,000. */
  compactAfter?: number;
  /** Flushes a file to the disk: `fs.fsyncSync` (a test passes a recorder that calls it). */
  syncFile?: (fd: number) => void;
}

export const journalFile = 'registrations.jsonl';
export const snapshotFile = 'registrations.json';
export const lockFile = 'hub.pid';

/** How long one slice of a background compaction may run. */
const compactionSliceMs = 4;

/** Lock files this process holds, removed when it exits (a crash leaves one behind: its pid is dead). */
const heldLocks = new Set<string>();

/** Takes the data dir for this process, or throws when another live process holds it. */
function lock(dir: string): void {
  const path = join(dir, lockFile);
  try {
    const holder = Number(readFileSync(path, 'utf8').trim());
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new StoreError(`the data dir ${dir} is in use by process ${holder}; give each hub its own --data-dir`);
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    // No lock file (or an unreadable one): take it.
  }
  writeFileSync(path, `${process.pid}\n`);
  if (heldLocks.size === 0) process.once('exit', releaseLocks);
  heldLocks.add(path);
}

function releaseLocks(): void {
  for (const path of heldLocks) {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // already gone
    }
  }
  heldLocks.clear();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The registrations of one data directory, mirrored in memory and journaled on every change. */
export class RegistrationStore {
  readonly #records = new Map<string, StoredRegistration>();
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #compactAfter: number;
  readonly #syncFile: (fd: number) => void;
  #fsyncs = 0;
  #fd: number | null = null;
  #journalLines = 0;
  #compactQueued = false;
  /** A compaction in slices: the snapshot being written, and the journal lines appended since it began. */
  #slicing: { file: AtomicFileWriter; records: Iterator<StoredRegistration>; first: boolean; tail: string[] } | null =
    null;
  /** The longest slice of a background compaction so far, in ms of CPU (for the tests). */
  longestSliceCpuMs = 0;

  /** Opens (creating if needed) a data directory and loads it. Throws a StoreError on corruption. */
  constructor(dir: string, options: StoreOptions = {}) {
    this.#dir = dir;
    this.#fsync = options.fsync ?? false;
    this.#compactAfter = options.compactAfter ?? 10_000;
    this.#syncFile = options.syncFile ?? fsyncSync;
    mkdirSync(dir, { recursive: true });
    lock(dir);
    this.#loadSnapshot();
    this.#loadJournal();
  }

  /** Every stored registration, in registration order. */
  all(): IterableIterator<StoredRegistration> {
    return this.#records.values();
  }

  /** Number of stored registrations. */
  get size(): number {
    return this.#records.size;
  }

  /** fsync calls made so far: one per acknowledged change with `fsync`, three per compaction. */
  get fsyncs(): number {
    return this.#fsyncs;
  }

  /** Lines in the journal since the last compaction. */
  get journalLines(): number {
    return this.#journalLines;
  }

  /** Records a new registration; on disk (and fsynced with `fsync`) when this returns. */
  added(
    id: string,
    userId: number,
    topics: readonly string[],
    at: number,
    { name, keyId }: StoredIdentity = { name: null, keyId: null },
  ): void {
    const entry: Entry = { op: 'add', id, user: userId, topics, at };
    if (name !== null) entry.name = name;
    if (keyId !== null) entry.key = keyId;
    this.#append(entry, true);
  }

  /** Records a removal; on disk when this returns. */
  removed(id: string, at: number = Date.now()): void {
    if (this.#records.has(id)) this.#append({ op: 'del', id, at }, true);
  }

  /** Records a new topic set. */
  topicsChanged(id: string, topics: readonly string[], at: number = Date.now()): void {
    if (this.#records.has(id)) this.#append({ op: 'topics', id, topics, at }, false);
  }

  /** Records activity: a connect (`connected`) or a disconnect. */
  seen(id: string, at: number = Date.now(), connected = false): void {
    if (this.#records.has(id)) this.#append(connected ? { op: 'seen', id, at, c: 1 } : { op: 'seen', id, at }, false);
  }

  /** Writes the snapshot atomically and empties the journal, now (a compaction in slices is dropped). */
  compact(): void {
    this.#slicing?.file.abort();
    this.#slicing = null;
    const file = this.#snapshotWriter();
    file.write(`${JSON.stringify([...this.#records.values()]).slice(1, -1)}]}`);
    this.#install(file, []);
  }

  #snapshotWriter(): AtomicFileWriter {
    const file = new AtomicFileWriter(join(this.#dir, snapshotFile), { sync: (fd) => this.#sync(fd) });
    file.write(`{"version":1,"savedAt":${Date.now()},"registrations":[`);
    return file;
  }

  /**
   * The snapshot in place, then the journal emptied but for `tail` (lines written after the
   * snapshot began). A crash before that replays the whole journal onto the snapshot: every entry
   * is idempotent.
   */
  #install(file: AtomicFileWriter, tail: string[]): void {
    file.commit();
    if (tail.length === 0) {
      const journal = this.#journal();
      ftruncateSync(journal, 0);
      this.#sync(journal);
    } else {
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = null;
      const journal = new AtomicFileWriter(join(this.#dir, journalFile), { sync: (fd) => this.#sync(fd) });
      journal.write(tail.join(''));
      journal.commit();
    }
    this.#journalLines = tail.length;
  }

  /**
   * A compaction that never holds the event loop for more than a few ms: the registrations are
   * written to the new snapshot in slices, the journal goes on meanwhile (its new lines are kept
   * for the journal that follows), and the snapshot is put in place when the last slice is done.
   */
  #compactInSlices(): void {
    this.#slicing ??= {
      file: this.#snapshotWriter(),
      records: this.#records.values(),
      first: true,
      tail: [],
    };
    const job = this.#slicing;
    const cpu = process.cpuUsage();
    const deadline = performance.now() + compactionSliceMs;
    let done = false;
    for (let n = 1; ; n++) {
      const next = job.records.next();
      if (next.done === true) {
        done = true;
        break;
      }
      job.file.write(`${job.first ? '' : ','}${JSON.stringify(next.value)}`);
      job.first = false;
      if ((n & 255) === 0 && performance.now() > deadline) break;
    }
    if (done) {
      this.#slicing = null;
      job.file.write(']}');
      this.#install(job.file, job.tail);
    } else {
      setImmediate(() => {
        if (this.#slicing === job) this.#compactInSlices();
      }).unref();
    }
    const used = process.cpuUsage(cpu);
    this.longestSliceCpuMs = Math.max(this.longestSliceCpuMs, (used.user + used.system) / 1000);
  }
  /** Compacts and closes the journal (it reopens on the next change). */
  close(): void {
    if (this.#journalLines > 0 || this.#slicing !== null) this.compact();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #append(entry: Entry, acknowledged: boolean): void {
    const fd = this.#journal();
    const line = `${JSON.stringify(entry)}\n`;
    writeSync(fd, line);
    if (acknowledged && this.#fsync) this.#sync(fd);
    this.#slicing?.tail.push(line);
    this.#apply(entry);
    this.#journalLines++;
    if (
      !this.#compactQueued &&
      this.#slicing === null &&
      this.#journalLines > this.#records.size + this.#compactAfter
    ) {
      this.#compactQueued = true;
      // After the caller has answered: compaction is never on an acknowledgement's path.
      setImmediate(() => {
        this.#compactQueued = false;
        if (this.#slicing === null && this.#journalLines > this.#records.size + this.#compactAfter) {
          this.#compactInSlices();
        }
      }).unref();
    }
  }

  #sync(fd: number): void {
    this.#syncFile(fd);
    this.#fsyncs++;
  }

  #journal(): number {
    this.#fd ??= openSync(join(this.#dir, journalFile), 'a');
    return this.#fd;
  }

  #apply(entry: Entry): void {
    const record = this.#records.get(entry.id);
    switch (entry.op) {
      case 'add':
        this.#records.set(entry.id, {
          id: entry.id,
          userId: entry.user,
          topics: entry.topics,
          registeredAt: entry.at,
          lastSeen: entry.at,
          name: entry.name ?? null,
          keyId: entry.key ?? null,
          everConnected: false,
        });
        return;
      case 'del':
        this.#records.delete(entry.id);
        return;
      case 'topics':
        if (record) record.topics = entry.topics;
        return;
      case 'seen':
        if (!record) return;
        if (entry.at > record.lastSeen) record.lastSeen = entry.at;
        if (entry.c === 1) record.everConnected = true;
    }
  }

  #loadSnapshot(): void {
    const path = join(this.#dir, snapshotFile);
    if (!existsSync(path)) return;
    let registrations: unknown;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; registrations?: unknown };
      if (parsed.version !== 1) throw new Error(`unknown version ${String(parsed.version)}`);
      registrations = parsed.registrations;
      if (!Array.isArray(registrations)) throw new Error('no registrations array');
    } catch (error) {
      throw new StoreError(
        `the snapshot ${path} is unreadable (${(error as Error).message}); ` +
          'move it aside to start without the registrations it holds',
      );
    }
    for (const item of registrations as unknown[]) {
      const record = toStored(item);
      if (record === null) throw new StoreError(`the snapshot ${path} holds an invalid registration`);
      this.#records.set(record.id, record);
    }
  }

  #loadJournal(): void {
    const path = join(this.#dir, journalFile);
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    let start = 0;
    let line = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      line++;
      const raw = text.slice(start, end === -1 ? text.length : end);
      if (raw === '' && end !== -1) {
        start = end + 1;
        continue;
      }
      const entry = toEntry(raw);
      if (entry === null) {
        if (end === -1 || end === text.length - 1) {
          // A torn last line: the write that was cut was never acknowledged. Cut it off.
          const fd = openSync(path, 'r+');
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, start)));
          closeSync(fd);
          break;
        }
        throw new StoreError(`the journal ${path} is corrupt at line ${line}; move it aside to start without it`);
      }
      this.#apply(entry);
      this.#journalLines++;
      if (end === -1) {
        // A complete entry without its newline: finish the line so the next append starts fresh.
        const fd = openSync(path, 'a');
        writeSync(fd, '\n');
        closeSync(fd);
        break;
      }
      start = end + 1;
    }
  }
}
