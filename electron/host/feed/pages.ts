/**
 * A snapshot too big for one message, sent to a GUI in pages (its clients, its topic tree). The
 * command's answer holds the first page; each next one goes as a push to the same listener when
 * the GUI asks for it (once it applied the one before), built when it is sent. The GUI so applies
 * one page per task: pages sent unasked arrive together, and a browser hands a burst of frames to
 * the page in one task (10,000 clients: 170 ms of CPU in one task, measured). Pages and the feed's
 * updates share that listener, so the GUI gets them in the order they were built: whichever it
 * applies last is the fresher.
 */

/** While the target is busy (its socket's backlog), the page asked for waits this long. */
const busyRetryMs = 20;

/** Where a paged snapshot goes. */
export interface PageTarget<L> {
  listener: L;
  /** True while the listener's link is backed up: the page asked for waits (default: never). */
  busy?: () => boolean;
}

import type { Paging } from '../../../shared/ipc';

/**
 * The items of `keys[offset…]` (at most `size`) as `lookup` finds them now: a key whose item is
 * gone since the answer is skipped.
 */
export function pageOf<K, V>(keys: readonly K[], offset: number, size: number, lookup: (key: K) => V | null): V[] {
  const items: V[] = [];
  const end = Math.min(keys.length, offset + size);
  for (let i = offset; i < end; i++) {
    const item = lookup(keys[i] as K);
    if (item !== null) items.push(item);
  }
  return items;
}

interface Run<L, P> {
  id: number;
  target: PageTarget<L>;
  total: number;
  size: number;
  offset: number;
  build: (offset: number) => P;
  /** A page asked for waits for the target's backlog: a second ask meanwhile adds nothing. */
  waiting: boolean;
  cancelled: boolean;
}

/** Every listener's current snapshot of one kind, sent a page per ask; at most one per listener. */
export class Pager<L, P> {
  readonly #send: (listener: L, page: P & { id: number; last: boolean }) => void;
  readonly #runs = new Map<L, Run<L, P>>();
  #nextId = 1;

  constructor(send: (listener: L, page: P & { id: number; last: boolean }) => void) {
    this.#send = send;
  }

  /**
   * Starts a snapshot of `total` items for `target` (replacing its previous one), in pages of
   * `size` whose first went in the answer; `build(offset)` makes the page starting at `offset`
   * when it is sent.
   */
  start(target: PageTarget<L>, total: number, size: number, build: (offset: number) => P): Paging {
    this.cancel(target.listener);
    const id = this.#nextId++;
    const run = { id, target, total, size, offset: size, build, waiting: false, cancelled: false };
    this.#runs.set(target.listener, run);
    return { id, total };
  }

  /** Sends the next page of snapshot `id` (at once, or once the backlog drains); false when none is due. */
  next(listener: L, id: number): boolean {
    const run = this.#runs.get(listener);
    if (run?.id !== id) return false;
    if (!run.waiting) this.#sendNext(run);
    return true;
  }

  #sendNext(run: Run<L, P>): void {
    if (run.cancelled) return;
    if (run.target.busy?.() === true) {
      run.waiting = true;
      setTimeout(() => this.#sendNext(run), busyRetryMs).unref();
      return;
    }
    run.waiting = false;
    const page = run.build(run.offset);
    run.offset += run.size;
    const last = run.offset >= run.total;
    if (last) this.#runs.delete(run.target.listener);
    this.#send(run.target.listener, { ...page, id: run.id, last });
  }

  /** Stops the pages of `listener` (it left, or asked again). */
  cancel(listener: L): void {
    const run = this.#runs.get(listener);
    if (run !== undefined) run.cancelled = true;
    this.#runs.delete(listener);
  }

  /** Stops every snapshot. */
  close(): void {
    for (const listener of [...this.#runs.keys()]) this.cancel(listener);
  }
}
