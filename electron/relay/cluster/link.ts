/**
 * A hub's two connections to Redis (ioredis): one for commands and scripts, one subscribed to the
 * bus and to this hub's receipts. The link is up when both are ready and subscribed; it goes down
 * (once per outage) when either closes or a command times out, and reconnects by itself.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../core/log';
import type { ClusterKeys } from './redis';
import {
  deleteAndTellScript,
  hashAndTellScript,
  keyTellScript,
  publishScript,
  socketClosedScript,
  unregisterScript,
} from './scripts';

/** `connecting` until the first join, then `up` or `down`; `closed` after `close()`. */
export type LinkState = 'closed' | 'connecting' | 'up' | 'down';

/** What the link tells its owner. */
export interface LinkHandlers {
  /** Both connections ready, subscribed from now on: time to (re)load the cluster's state. */
  up(): void;
  /** Redis became unreachable (once per outage). */
  down(reason: string): void;
  /** A message on the bus (publications and control messages, in the cluster's order). */
  bus(data: Buffer): void;
  /** Delivery counts for this hub's publishes. */
  receipts(data: Buffer): void;
}

const scripts = {
  relayPublish: { lua: publishScript, numberOfKeys: 4 },
  relayHashAndTell: { lua: hashAndTellScript, numberOfKeys: 1 },
  relayUnregister: { lua: unregisterScript, numberOfKeys: 2 },
  relaySocketClosed: { lua: socketClosedScript, numberOfKeys: 1 },
  relayDeleteAndTell: { lua: deleteAndTellScript, numberOfKeys: 1 },
  relayKeyTell: { lua: keyTellScript, numberOfKeys: 2 },
} as const;

/** The scripts as methods of the command connection (ioredis runs them with EVALSHA, loading them when needed). */
export type ScriptName = keyof typeof scripts;
type ScriptRunner = Record<ScriptName, (...args: (string | Buffer | number)[]) => Promise<unknown>>;

export class RedisLink {
  #cmd: Redis | null = null;
  #sub: Redis | null = null;
  #state: LinkState = 'closed';
  #cmdReady = false;
  #subscribed = false;

  constructor(
    private readonly options: RedisOptions,
    private readonly keys: ClusterKeys,
    private readonly self: string,
    private readonly handlers: LinkHandlers,
    private readonly log: Logger,
  ) {}

  get state(): LinkState {
    return this.#state;
  }

  /** The command connection (null while closed). */
  get redis(): Redis | null {
    return this.#cmd;
  }

  /** Runs one of the cluster's scripts; rejects when Redis is unreachable. */
  run(name: ScriptName, ...args: (string | Buffer | number)[]): Promise<unknown> {
    const cmd = this.#cmd;
    if (cmd === null || !this.#cmdReady) return Promise.reject(new Error('Redis is unreachable'));
    return (cmd as unknown as ScriptRunner)[name](...args);
  }

  /** Opens both connections; the link comes up (or goes down) by itself from here on. */
  open(): void {
    if (this.#state !== 'closed') return;
    this.#state = 'connecting';
    // (ioredis' own `replyMapping` typing trips exactOptionalPropertyTypes: it is never set here.)
    const options = (name: string): Omit<RedisOptions, 'replyMapping'> => ({ ...this.options, connectionName: name });
    const cmd = new Redis({ ...options(`relay-hub:${this.self}`), scripts });
    const sub = new Redis(options(`relay-hub:${this.self}:sub`));
    this.#cmd = cmd;
    this.#sub = sub;
    cmd.on('ready', () => {
      this.#cmdReady = true;
      this.#check();
    });
    sub.on('ready', () => {
      sub.subscribe(this.keys.bus, this.keys.receipts(this.self)).then(
        () => {
          this.#subscribed = true;
          this.#check();
        },
        (error: unknown) => this.fail(`cannot subscribe: ${String(error)}`),
      );
    });
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (this.#state !== 'up') return;
      try {
        if (channel.toString() === this.keys.bus) this.handlers.bus(message);
        else this.handlers.receipts(message);
      } catch (error) {
        // A message this hub cannot use (or a bug) costs that message, never the hub.
        this.log.error({ err: error }, 'cluster message failed');
      }
    });
    for (const [client, name] of [
      [cmd, 'commands'],
      [sub, 'subscriber'],
    ] as const) {
      client.on('close', () => {
        if (client === cmd) this.#cmdReady = false;
        else this.#subscribed = false;
        this.#lost(`the ${name} connection to Redis closed`);
      });
      // ioredis reports each failed attempt; the outage is logged once, by `down`.
      client.on('error', (error: Error) => this.log.debug({ err: error.message }, `redis ${name} connection`));
    }
    cmd.connect().catch(() => undefined);
    sub.connect().catch(() => undefined);
  }

  /** Treats Redis as unreachable (a command timed out): both connections are dropped and reopened. */
  fail(reason: string): void {
    if (this.#state === 'closed') return;
    this.#lost(reason);
    this.#cmd?.disconnect(true);
    this.#sub?.disconnect(true);
  }

  /** Closes both connections for good. */
  async close(): Promise<void> {
    const clients = [this.#cmd, this.#sub];
    this.#state = 'closed';
    this.#cmd = null;
    this.#sub = null;
    this.#cmdReady = false;
    this.#subscribed = false;
    await Promise.all(
      clients.map(async (client) => {
        if (client === null) return;
        client.removeAllListeners('close');
        client.on('error', () => undefined);
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }

  #check(): void {
    if (this.#state === 'closed' || this.#state === 'up' || !this.#cmdReady || !this.#subscribed) return;
    this.#state = 'up';
    this.handlers.up();
  }

  #lost(reason: string): void {
    if (this.#state === 'closed' || this.#state === 'down') return;
    this.#state = 'down';
    this.handlers.down(reason);
  }
}
