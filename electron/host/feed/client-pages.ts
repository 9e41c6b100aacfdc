/**
 * A big hub's clients, sent to a GUI in pages. Its `getInit` answer holds the first page; the
 * others follow as pushes to the same listener, one per event-loop turn, each built from the
 * relay when it is sent. Pages and the feed's updates share that listener, so the GUI gets them
 * in the order they were built: whichever it applies last is the fresher (a client gone before
 * its page is skipped by the page; one gone after it is removed by a later update; one come
 * since the answer arrives as an update).
 */
import type { ClientInfo } from '../../../shared/hub';
import type { ClientPage, ClientPaging } from '../../../shared/ipc';
import type { Relay } from '../../relay/index';

/** Clients per page: a page is one small task to build here and to apply in the GUI. */
export const clientPageSize = 500;
/** While the target is busy (its socket's backlog), the next page waits this long. */
const busyRetryMs = 20;

/** Where a paged snapshot goes. */
export interface PageTarget<L> {
  listener: L;
  /** True while the listener's link is backed up: the next page waits (default: never). */
  busy?: () => boolean;
}

/** The first page, and the paging of the rest when there is more. */
export interface FirstPage {
  clients: ClientInfo[];
  paging?: ClientPaging;
}

/** Sends the pages of every listener's current snapshot; at most one snapshot per listener. */
export class ClientPager<L> {
  readonly #relay: Relay;
  readonly #send: (listener: L, page: ClientPage) => void;
  readonly #pageSize: number;
  readonly #runs = new Map<L, { cancelled: boolean }>();
  #nextId = 1;

  constructor(relay: Relay, send: (listener: L, page: ClientPage) => void, pageSize = clientPageSize) {
    this.#relay = relay;
    this.#send = send;
    this.#pageSize = pageSize;
  }

  /** Starts a snapshot for `target` (replacing its previous one) and answers its first page. */
  start(target: PageTarget<L>): FirstPage {
    this.cancel(target.listener);
    const ids = this.#relay.clientIds();
    const clients = this.#page(ids, 0);
    if (ids.length <= this.#pageSize) return { clients };
    const id = this.#nextId++;
    const run = { cancelled: false };
    this.#runs.set(target.listener, run);
    let offset = this.#pageSize;
    const step = (): void => {
      if (run.cancelled) return;
      if (target.busy?.() === true) {
        setTimeout(step, busyRetryMs).unref();
        return;
      }
      const page = this.#page(ids, offset);
      offset += this.#pageSize;
      const last = offset >= ids.length;
      if (last) this.#runs.delete(target.listener);
      this.#send(target.listener, { id, clients: page, last });
      if (!last) setImmediate(step).unref();
    };
    setImmediate(step).unref();
    return { clients, paging: { id, total: ids.length } };
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

  /** The clients of `ids[offset…]` as they are now (ids gone since are skipped). */
  #page(ids: readonly string[], offset: number): ClientInfo[] {
    const clients: ClientInfo[] = [];
    const end = Math.min(ids.length, offset + this.#pageSize);
    for (let i = offset; i < end; i++) {
      const client = this.#relay.client(ids[i] as string);
      if (client !== null) clients.push(client);
    }
    return clients;
  }
}
