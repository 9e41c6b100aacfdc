/**
 * Receipts across the cluster. A hub that publishes waits for its own copy of the publication to
 * come back on the bus (it delivers it then, in the cluster's order) and for every other live hub
 * to say how many sockets it wrote it to; the receipt sums them. A hub that does not answer within
 * `waitMs` is left out (the receipt says how many were counted), and is not waited for again until
 * it answers: a hub that died is not waited for at every publish until its heartbeat expires.
 * Counts to other hubs leave in one message per hub per event-loop turn.
 */
import type { ClusterReceipt } from '../../../shared/api';
import type { Payload, Publication, Published, Qos } from '../core/history/types';

/** How long a receipt waits for the other hubs' counts, in ms. */
export const receiptWaitMs = 1_000;

/** A publish as the hub asked for it (kept until its receipt, to deliver it here alone if Redis fails). */
export interface PublishRequest {
  topic: string;
  message: Payload;
  userId: number | undefined;
  ts: number;
  retain: boolean;
  qos: Qos;
  /** What the hub gave the engine, handed back to its fan-out. */
  source: unknown;
}

interface Pending {
  readonly request: PublishRequest;
  readonly resolve: (published: Published) => void;
  readonly deadline: number;
  /** Other hubs that were live members when it was published. */
  readonly members: number;
  /** Of those, the ones it waits for (not silent). */
  readonly expected: ReadonlySet<string>;
  /** Its own copy arrived (and was delivered here). */
  own: { publication: Publication; epoch: string } | null;
  /** Redis took it (the script answered): its place in the topic's stream. */
  placed: { offset: number; epoch: string } | null;
  delivered: number;
  /** Other hubs that answered. */
  answered: Set<string>;
}

export class Receipts {
  readonly #pending = new Map<number, Pending>();
  /** Counts owed to other hubs: hub → `seq:count` items. */
  #outgoing = new Map<string, string[]>();
  #flushScheduled = false;
  #sweep: NodeJS.Timeout | null = null;
  #seq = 0;
  /** Hubs that let a receipt time out, until they answer again. */
  readonly #silent = new Set<string>();

  constructor(
    /** Sends one message of counts to a hub. */
    private readonly send: (hub: string, text: string) => void,
    /**
     * Delivers here a publish whose copy never came back: alone (Redis did not take it, `placed`
     * null: only this hub's devices get it), or at the place Redis gave it (the other hubs got it).
     */
    private readonly fallback: (
      request: PublishRequest & { seq: number; placed: { offset: number; epoch: string } | null },
    ) => Published,
    private readonly waitMs = receiptWaitMs,
  ) {}

  /** Publishes waiting for their receipt. */
  get size(): number {
    return this.#pending.size;
  }

  /** A new publish: its number, and the promise of its receipt. */
  open(request: PublishRequest, otherHubs: readonly string[]): { seq: number; receipt: Promise<Published> } {
    const seq = ++this.#seq;
    const receipt = new Promise<Published>((resolve) => {
      this.#pending.set(seq, {
        request,
        resolve,
        deadline: performance.now() + this.waitMs,
        members: otherHubs.length,
        expected: new Set(otherHubs.filter((hub) => !this.#silent.has(hub))),
        own: null,
        placed: null,
        delivered: 0,
        answered: new Set(),
      });
    });
    this.#sweep ??= setInterval(() => this.#expire(), 100);
    this.#sweep.unref();
    return { seq, receipt };
  }

  /** The source of a publish this hub made and still waits for (its own copy came back), or undefined. */
  sourceOf(seq: number): unknown {
    return this.#pending.get(seq)?.request.source;
  }

  /** True while publish `seq` of this hub waits and its own copy has not come back. */
  awaitsOwnCopy(seq: number): boolean {
    const pending = this.#pending.get(seq);
    return pending !== undefined && pending.own === null;
  }

  /** This hub's copy came back and was delivered here to `count` sockets. */
  own(seq: number, publication: Publication, epoch: string, count: number): void {
    const pending = this.#pending.get(seq);
    if (pending === undefined || pending.own !== null) return;
    pending.own = { publication, epoch };
    pending.delivered += count;
    this.#settle(seq, pending, false);
  }

  /** Redis took publish `seq` at this place (the script answered). */
  placed(seq: number, offset: number, epoch: string): void {
    const pending = this.#pending.get(seq);
    if (pending !== undefined) pending.placed = { offset, epoch };
  }

  /** Reads a message of counts from another hub: `<hub> <seq>:<count> …`. */
  answer(text: string): void {
    const [hub, ...items] = text.split(' ');
    if (hub === undefined || hub === '') return;
    this.#silent.delete(hub);
    for (const item of items) {
      const colon = item.indexOf(':');
      const seq = Number(item.slice(0, colon));
      const count = Number(item.slice(colon + 1));
      const pending = this.#pending.get(seq);
      if (pending === undefined || !Number.isSafeInteger(count) || count < 0 || pending.answered.has(hub)) continue;
      pending.answered.add(hub);
      pending.delivered += count;
      this.#settle(seq, pending, false);
    }
  }

  /** Owes `hub` the count of its publish `seq` (sent at the end of this turn). */
  owe(hub: string, seq: number, count: number): void {
    const items = this.#outgoing.get(hub);
    if (items === undefined) this.#outgoing.set(hub, [`${seq}:${count}`]);
    else items.push(`${seq}:${count}`);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /**
   * Publish `seq` will get no more counts (its script failed, or Redis went away): resolved with what
   * it has, delivered here by the fallback first when its own copy never came back.
   */
  failed(seq: number): void {
    const pending = this.#pending.get(seq);
    if (pending === undefined) return;
    this.#pending.delete(seq);
    if (pending.own !== null) {
      pending.resolve(this.#published(pending));
      return;
    }
    const fallen = this.fallback({ ...pending.request, seq, placed: pending.placed });
    if (pending.placed === null) {
      pending.resolve(fallen);
      return;
    }
    // Redis took it: the hubs that answered counted it, as did this one now.
    pending.own = { publication: fallen.publication, epoch: fallen.epoch };
    pending.delivered += fallen.delivered;
    pending.resolve(this.#published(pending));
  }

  /**
   * Redis is gone: no count will come. Resolves the receipts whose script answered; the others
   * wait for their script's outcome (the connection's end rejects it at once), so that a publish
   * Redis took is never delivered here as if it had not.
   */
  flushAll(): void {
    for (const [seq, pending] of [...this.#pending])
      if (pending.own !== null || pending.placed !== null) this.failed(seq);
  }

  /** Stops the sweep (closing). */
  close(): void {
    for (const seq of [...this.#pending.keys()]) this.failed(seq);
    if (this.#sweep !== null) clearInterval(this.#sweep);
    this.#sweep = null;
    this.#outgoing.clear();
  }

  #settle(seq: number, pending: Pending, timedOut: boolean): void {
    if (pending.own === null) return;
    if (!timedOut) {
      for (const hub of pending.expected) if (!pending.answered.has(hub)) return;
    } else {
      for (const hub of pending.expected) if (!pending.answered.has(hub)) this.#silent.add(hub);
    }
    this.#pending.delete(seq);
    pending.resolve(this.#published(pending));
  }

  #published(pending: Pending): Published {
    const own = pending.own as { publication: Publication; epoch: string };
    const counted = pending.answered.size + 1;
    const cluster: ClusterReceipt = { hubs: Math.max(pending.members + 1, counted), counted };
    return { publication: own.publication, epoch: own.epoch, delivered: pending.delivered, cluster };
  }

  /** Settles receipts past their wait (the map keeps publish order, so the oldest come first). */
  #expire(): void {
    const now = performance.now();
    for (const [seq, pending] of this.#pending) {
      if (pending.deadline > now) break;
      // Without its own copy it waits for the script's answer, which settles it; a copy lost on a
      // half-open subscriber connection is given up after a few waits.
      if (pending.own === null && now - pending.deadline > 4 * this.waitMs) this.failed(seq);
      else this.#settle(seq, pending, true);
    }
    if (this.#pending.size === 0 && this.#sweep !== null) {
      clearInterval(this.#sweep);
      this.#sweep = null;
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const outgoing = this.#outgoing;
    this.#outgoing = new Map();
    for (const [hub, items] of outgoing) this.send(hub, items.join(' '));
  }
}
