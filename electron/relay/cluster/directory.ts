/**
 * Shared registrations and sockets (the hub's `Directory`, see `core/cluster.ts`). Every
 * registration is kept in Redis as its whole entry (JSON) and announced on the bus, so every hub
 * holds every registration: a device registered on one hub connects to any. Unregistering on one
 * hub closes the socket wherever it is. Sockets are announced on the bus too: when one id connects
 * on two hubs, the one announced later in the bus's order wins and the other is closed with 4001,
 * exactly as on one hub.
 *
 * While Redis is unreachable, changes made here are noted (one per registration, so never more
 * than the registrations) and written when it is back. On every (re)join the hub reconciles with
 * Redis: when Redis holds the data set the hub saw before (same generation), Redis is right about
 * registrations removed meanwhile; when Redis lost its data, every hub writes back what it holds.
 * Device keys are shared too (`device-keys.ts`), and reconciled first: a key revoked meanwhile
 * takes its registrations before they are written back.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/storage/atomic-file';
import type { ClusterInfo } from '../../../shared/hub';
import {
  isSharedRegistration,
  type Directory,
  type RemoteClose,
  type Replica,
  type SharedRegistration,
} from '../core/clients/cluster';
import type { StoredKey } from '../core/access/keys';
import type { Logger } from '../core/log';
import { SharedKeys, type KeyControl } from './device-keys';
import type { RedisLink } from './link';
import type { ClusterKeys } from './redis';

/** A control message on the bus (after its `c`). */
type Control =
  | { k: 'reg'; h: string; e: unknown }
  | { k: 'unreg'; h: string; id: string }
  | { k: 'conn'; h: string; id: string; n: number; a: string | null }
  | { k: 'disc'; h: string; id: string; n: number; r: string; c: number }
  | KeyControl;

/** Registrations read from Redis per round trip (HSCAN). */
const scanCount = 1_000;

export class ClusterDirectory implements Directory {
  #replica: Replica | null = null;
  /** Changes made while Redis was unreachable: id → write the entry again, or delete it. */
  readonly #pending = new Map<string, 'put' | 'del'>();
  /** Sockets on this hub: id → its announcement's nonce, and whether the bus has carried it back. */
  readonly #links = new Map<string, { nonce: number; announced: boolean }>();
  /** Sockets on other hubs: id → hub and nonce. */
  readonly #locations = new Map<string, { hub: string; nonce: number }>();
  #nonce = 0;
  #lastWrite: Promise<void> = Promise.resolve();
  /** The data set's generation this hub last saw (kept in the data dir across restarts). */
  #generation: string | null;
  /** Ids announced on the bus while a reconcile runs: never removed by it. */
  #touched: Set<string> | null = null;
  readonly #deviceKeys: SharedKeys;

  constructor(
    readonly self: string,
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly log: Logger,
    /** A live member's name (null: not a live member). */
    private readonly nameOf: (hub: string) => string | null,
    readonly info: () => ClusterInfo,
    private readonly generationFile: string | null,
    /** A socket opened or closed (here, `local`, or on another hub): device counts changed. */
    private readonly socketsChanged: (local: boolean) => void = () => undefined,
  ) {
    this.#generation = readGeneration(generationFile);
    this.#deviceKeys = new SharedKeys(self, link, keys, (run) => this.#send(run));
  }

  /** Binds the hub this directory serves. */
  bind(replica: Replica): void {
    this.#replica = replica;
  }

  registered(entry: SharedRegistration): void {
    this.#put(entry);
  }

  topicsChanged(entry: SharedRegistration): void {
    this.#put(entry);
  }

  keyChanged(key: StoredKey): void {
    this.#deviceKeys.changed(key);
  }

  unregistered(id: string): void {
    this.#links.delete(id);
    this.#locations.delete(id);
    const message = this.#control({ k: 'unreg', h: this.self, id });
    this.#write(id, 'del', () =>
      this.link.run('relayUnregister', this.keys.registrations, this.keys.sockets, id, this.keys.bus, message),
    );
  }

  connected(id: string, remoteAddress: string | null): void {
    const nonce = ++this.#nonce;
    this.#links.set(id, { nonce, announced: false });
    this.socketsChanged(true);
    if (this.link.state !== 'up') return; // announced when the hub rejoins
    const message = this.#control({ k: 'conn', h: this.self, id, n: nonce, a: remoteAddress });
    this.#send(() =>
      this.link.run('relayHashAndTell', this.keys.sockets, id, `${this.self} ${nonce}`, this.keys.bus, message),
    );
  }

  disconnected(id: string, close: RemoteClose): void {
    const link = this.#links.get(id);
    if (link === undefined) return;
    this.#links.delete(id);
    this.socketsChanged(true);
    if (this.link.state !== 'up') return;
    const message = this.#control({ k: 'disc', h: this.self, id, n: link.nonce, r: close.reason, c: close.code });
    const owner = `${this.self} ${link.nonce}`;
    this.#send(() => this.link.run('relaySocketClosed', this.keys.sockets, id, owner, this.keys.bus, message));
  }

  settled(): Promise<void> {
    return this.#lastWrite;
  }

  async lookup(id: string): Promise<boolean> {
    const redis = this.link.redis;
    if (redis === null || this.link.state !== 'up' || this.#replica === null) return false;
    try {
      const entry = parseEntry(await redis.hget(this.keys.registrations, id));
      if (entry === null) return false;
      this.#replica.adopt(entry);
      return true;
    } catch {
      return false;
    }
  }

  locationOf(id: string): string | null {
    const location = this.#locations.get(id);
    return location !== undefined && this.nameOf(location.hub) !== null ? location.hub : null;
  }

  /** A control message on the bus, from any hub (this one's own come back too). */
  onControl(message: { k?: unknown; h?: unknown }): void {
    const replica = this.#replica;
    if (replica === null || typeof message.h !== 'string') return;
    const control = message as Control;
    const own = control.h === this.self;
    switch (control.k) {
      case 'reg':
        if (!own && isSharedRegistration(control.e)) {
          this.#touched?.add(control.e.id);
          replica.adopt(control.e);
        }
        return;
      case 'unreg':
        this.#locations.delete(control.id);
        if (!own) replica.drop(control.id);
        return;
      case 'conn':
        this.#onConnected(control, own, replica);
        return;
      case 'key':
        this.#deviceKeys.onControl(control, replica);
        return;
      case 'disc': {
        const location = this.#locations.get(control.id);
        if (own || location?.hub !== control.h || location.nonce !== control.n) return;
        this.#locations.delete(control.id);
        this.socketsChanged(false);
        replica.located(control.id, this.#label(control.h), null, { reason: control.r, code: control.c });
      }
    }
  }

  /** The link is up: writes what was noted meanwhile, reloads every registration and socket, announces this hub's. */
  async joined(): Promise<void> {
    const redis = this.link.redis;
    const replica = this.#replica;
    if (redis === null || replica === null) return;
    this.#touched = new Set();
    try {
      // Keys first: a key revoked meanwhile removes its registrations here before they are written back.
      await this.#deviceKeys.joined(replica);
      await redis.set(this.keys.generation, randomBytes(12).toString('base64url'), 'NX');
      const generation = await redis.get(this.keys.generation);
      const authoritative = generation !== null && generation === this.#generation;
      if (!authoritative) {
        // Redis lost its data (or this hub never saw it): what this hub holds joins what the others hold.
        for (const entry of replica.entries()) this.#pending.set(entry.id, 'put');
        for (const [id, kind] of [...this.#pending]) if (kind === 'del') this.#pending.delete(id);
      }
      await this.#flushPending(replica);
      const held = await this.#loadRegistrations(replica);
      if (authoritative) {
        // Removed on another hub while this one was away.
        for (const entry of [...replica.entries()]) {
          if (!held.has(entry.id) && !this.#touched.has(entry.id)) replica.drop(entry.id);
        }
      }
      await this.#loadSockets();
      this.#generation = generation;
      writeGeneration(this.generationFile, generation);
      for (const [id, address] of replica.sockets()) this.connected(id, address);
    } finally {
      this.#touched = null;
    }
  }

  #onConnected(control: Extract<Control, { k: 'conn' }>, own: boolean, replica: Replica): void {
    const link = this.#links.get(control.id);
    if (own) {
      if (link?.nonce === control.n) link.announced = true;
      this.#locations.delete(control.id);
      return;
    }
    this.#locations.set(control.id, { hub: control.h, nonce: control.n });
    this.socketsChanged(false);
    // The later announcement wins: this hub's socket goes if the bus carried its announcement first.
    if (link?.announced === true) {
      this.#links.delete(control.id);
      replica.replace(control.id);
    }
    replica.located(control.id, this.#label(control.h), control.a, null);
  }

  /** A hub as the log names it: its name, or its id before its first heartbeat was read. */
  #label(hub: string): string {
    return this.nameOf(hub) ?? hub;
  }

  #put(entry: SharedRegistration): void {
    const message = this.#control({ k: 'reg', h: this.self, e: entry });
    const json = JSON.stringify(entry);
    this.#write(entry.id, 'put', () =>
      this.link.run('relayHashAndTell', this.keys.registrations, entry.id, json, this.keys.bus, message),
    );
  }

  /** A write other hubs must see: noted for the rejoin when Redis is unreachable (or the write fails). */
  #write(id: string, kind: 'put' | 'del', run: () => Promise<unknown>): void {
    if (this.link.state !== 'up') {
      this.#pending.set(id, kind);
      return;
    }
    this.#send(run, () => this.#pending.set(id, kind));
  }

  /** Sends in order; `settled()` resolves once this (and everything before it) is done. */
  #send(run: () => Promise<unknown>, onError: () => void = () => undefined): void {
    const done = run().then(
      () => undefined,
      (error: unknown) => {
        this.log.debug({ err: String(error) }, 'cluster write failed');
        onError();
      },
    );
    this.#lastWrite = done;
  }

  async #flushPending(replica: Replica): Promise<void> {
    const entries = new Map<string, SharedRegistration>();
    for (const entry of replica.entries()) if (this.#pending.get(entry.id) === 'put') entries.set(entry.id, entry);
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [id, kind] of pending) {
      const entry = entries.get(id);
      if (kind === 'put' && entry !== undefined) this.registered(entry);
      else if (kind === 'del') this.unregistered(id);
    }
    await this.#lastWrite;
  }

  /** Every registration Redis holds, adopted here; returns their ids. */
  async #loadRegistrations(replica: Replica): Promise<Set<string>> {
    const redis = this.link.redis;
    const held = new Set<string>();
    if (redis === null) return held;
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(this.keys.registrations, cursor, 'COUNT', scanCount);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const entry = parseEntry(flat[i] ?? null);
        if (entry === null) continue;
        held.add(entry.id);
        replica.adopt(entry);
      }
    } while (cursor !== '0');
    return held;
  }

  async #loadSockets(): Promise<void> {
    const redis = this.link.redis;
    if (redis === null) return;
    const sockets = await redis.hgetall(this.keys.sockets);
    this.#locations.clear();
    for (const [id, value] of Object.entries(sockets)) {
      const [hub = '', nonce = '0'] = value.split(' ');
      if (hub !== this.self) this.#locations.set(id, { hub, nonce: Number(nonce) });
    }
  }

  #control(control: Control): string {
    return `c${JSON.stringify(control)}`;
  }
}

function parseEntry(text: string | null): SharedRegistration | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isSharedRegistration(value) ? value : null;
  } catch {
    return null;
  }
}

function readGeneration(file: string | null): string | null {
  if (file === null) return null;
  try {
    const value = (JSON.parse(readFileSync(file, 'utf8')) as { generation?: unknown }).generation;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function writeGeneration(file: string | null, generation: string | null): void {
  if (file === null || generation === null) return;
  try {
    writeFileAtomic(file, `${JSON.stringify({ generation })}\n`);
  } catch {
    // Only a restart's reconcile is less exact without it (Redis's registrations join this hub's).
  }
}
