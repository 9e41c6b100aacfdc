/**
 * The cluster's members: every hub renews a key with its address and device count each second
 * (it expires 5 s after the hub stops renewing it), and reads everyone's. A hub that joins (or
 * leaves cleanly) also says so on the bus, so the others count it at once; a hub that was killed
 * drops out of the list within seconds. A heartbeat that fails means Redis is unreachable.
 */
import type { ClusterMember } from '../../../shared/hub';
import type { RedisLink } from './link';
import type { ClusterKeys } from './redis';

/** How often each hub renews its member key, and how long the key outlives the last renewal, in ms. */
export const heartbeat = { intervalMs: 1_000, ttlMs: 5_000 } as const;

/** What this hub says about itself. */
export type SelfDescription = Omit<ClusterMember, 'id' | 'self'>;

export class Members {
  #others: ClusterMember[] = [];
  #timer: NodeJS.Timeout | null = null;
  #beating = false;
  #soon: NodeJS.Timeout | null = null;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: ClusterKeys,
    private readonly self: string,
    private readonly describe: () => SelfDescription,
  ) {}

  /** Every live hub, this one first (only this one while Redis is unreachable). */
  list(): ClusterMember[] {
    const me: ClusterMember = { id: this.self, ...this.describe(), self: true };
    return this.link.state === 'up' ? [me, ...this.#others] : [me];
  }

  /** The ids of the other hubs that are live members now. */
  otherHubs(): string[] {
    return this.link.state === 'up' ? this.#others.map((member) => member.id) : [];
  }

  /** A live member's name (this hub's included), or null. */
  nameOf(id: string): string | null {
    if (id === this.self) return this.describe().name;
    if (this.link.state !== 'up') return null;
    return this.#others.find((member) => member.id === id)?.name ?? null;
  }

  /** Starts beating (at once, then every second). */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.beat(), heartbeat.intervalMs);
    this.#timer.unref();
  }

  /** A device count changed (here, or on the hub that said so): beats within `ms` instead of at the next second. */
  soon(ms: number): void {
    if (this.#soon !== null || this.#timer === null) return;
    this.#soon = setTimeout(() => {
      this.#soon = null;
      void this.beat();
    }, ms);
    this.#soon.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#soon !== null) clearTimeout(this.#soon);
    this.#timer = null;
    this.#soon = null;
    this.#others = [];
  }

  /** Tells the bus this hub is a member now (after it joined). */
  async announce(): Promise<void> {
    const redis = this.link.redis;
    if (redis === null || this.link.state !== 'up') return;
    const me = { k: 'member', h: this.self, ...this.describe() };
    await redis.publish(this.keys.bus, `c${JSON.stringify(me)}`);
  }

  /** Leaves the cluster at once (a clean stop), instead of expiring. */
  async leave(): Promise<void> {
    const redis = this.link.redis;
    if (redis === null || this.link.state !== 'up') return;
    await redis
      .multi()
      .del(this.keys.member(this.self))
      .srem(this.keys.members, this.self)
      .publish(this.keys.bus, `c${JSON.stringify({ k: 'leave', h: this.self })}`)
      .exec()
      .catch(() => undefined);
  }

  /** A member joined (`member`) or left (`leave`), as it said on the bus. */
  onControl(message: { k?: unknown; h?: unknown }): void {
    const id = message.h;
    if (typeof id !== 'string' || id === this.self) return;
    const others = this.#others.filter((member) => member.id !== id);
    if (message.k === 'member') {
      const member = parseMember(JSON.stringify(message));
      if (member !== null) others.push({ ...member, id, self: false });
      others.sort((a, b) => (a.id < b.id ? -1 : 1));
    }
    this.#others = others;
  }

  /** Renews this hub's key and reads every member's. */
  async beat(): Promise<void> {
    const redis = this.link.redis;
    if (redis === null || this.link.state !== 'up' || this.#beating) return;
    this.#beating = true;
    const { keys, self } = this;
    try {
      const me = JSON.stringify({ id: self, ...this.describe() });
      await redis.multi().set(keys.member(self), me, 'PX', heartbeat.ttlMs).sadd(keys.members, self).exec();
      const ids = (await redis.smembers(keys.members)).filter((id) => id !== self).sort();
      const values = ids.length === 0 ? [] : await redis.mget(...ids.map((id) => keys.member(id)));
      const others: ClusterMember[] = [];
      const gone: string[] = [];
      ids.forEach((id, i) => {
        const member = parseMember(values[i] ?? null);
        if (member === null) gone.push(id);
        else others.push({ ...member, id, self: false });
      });
      if (gone.length > 0) await redis.srem(keys.members, ...gone);
      this.#others = others;
    } catch (error) {
      this.link.fail(`the heartbeat failed: ${String(error)}`);
    } finally {
      this.#beating = false;
    }
  }
}

function parseMember(text: string | null): Omit<ClusterMember, 'id' | 'self'> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<ClusterMember>;
    return {
      name: typeof value.name === 'string' ? value.name : '?',
      urls: Array.isArray(value.urls) ? value.urls.filter((url): url is string => typeof url === 'string') : [],
      connected: typeof value.connected === 'number' ? value.connected : 0,
      startedAt: typeof value.startedAt === 'number' ? value.startedAt : 0,
    };
  } catch {
    return null;
  }
}
