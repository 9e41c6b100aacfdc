/**
 * A big hub's clients and users, sent to a GUI in pages. Its `getInit` answer holds the first page; each
 * next one goes as a push to the same listener when the GUI asks for it (`nextClientPage`, once it
 * applied the one before), built from the relay when it is sent. The GUI so applies one page per
 * task: pages sent unasked arrive together, and a browser hands a burst of frames to the page in
 * one task (10,000 clients: 170 ms of CPU in one task, measured). Pages and the feed's updates
 * share that listener, so the GUI gets them in the order they were built: whichever it applies
 * last is the fresher (a client gone before its page is skipped by the page; one gone after it is
 * removed by a later update; one come since the answer arrives as an update).
 */
import type { ClientInfo, UserInfo } from '../../../shared/hub';
import type { ClientPage, ClientPaging } from '../../../shared/ipc';
import type { Relay } from '../../relay/index';

/** Clients (and users) per page: a page is one small task to build here and to apply in the GUI. */
export const clientPageSize = 500;
/** While the target is busy (its socket's backlog), the page asked for waits this long. */
const busyRetryMs = 20;

/** Where a paged snapshot goes. */
export interface PageTarget<L> {
  listener: L;
  /** True while the listener's link is backed up: the page asked for waits (default: never). */
  busy?: () => boolean;
}

/** The first page, and the paging of the rest when there is more. */
export interface FirstPage {
  clients: ClientInfo[];
  users: UserInfo[];
  paging?: ClientPaging;
}

/** A snapshot under way: its clients' and users' ids as they were at the answer, and the next page's offset. */
interface Run<L> {
  id: number;
  target: PageTarget<L>;
  ids: readonly string[];
  userIds: readonly number[];
  offset: number;
  /** A page asked for waits for the target's backlog: a second ask meanwhile adds nothing. */
  waiting: boolean;
  cancelled: boolean;
}

/** Sends the pages of every listener's current snapshot, each when asked; at most one snapshot per listener. */
export class ClientPager<L> {
  readonly #relay: Relay;
  readonly #send: (listener: L, page: ClientPage) => void;
  readonly #pageSize: number;
  readonly #runs = new Map<L, Run<L>>();
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
    if (ids.length <= this.#pageSize) return { clients: this.#page(ids, 0), users: this.#relay.users() };
    // A user has a registration: users are never more than clients, so their pages end first.
    const userIds = this.#relay.users().map((user) => user.userId);
    const id = this.#nextId++;
    const run = { id, target, ids, userIds, offset: this.#pageSize, waiting: false, cancelled: false };
    this.#runs.set(target.listener, run);
    return { clients: this.#page(ids, 0), users: this.#users(userIds, 0), paging: { id, total: ids.length } };
  }

  /**
   * Sends the next page of snapshot `id` to `listener` (at once, or once its backlog drains).
   * False when that snapshot is not the listener's current one or has no page left.
   */
  next(listener: L, id: number): boolean {
    const run = this.#runs.get(listener);
    if (run?.id !== id) return false;
    if (!run.waiting) this.#sendNext(run);
    return true;
  }

  #sendNext(run: Run<L>): void {
    if (run.cancelled) return;
    if (run.target.busy?.() === true) {
      run.waiting = true;
      setTimeout(() => this.#sendNext(run), busyRetryMs).unref();
      return;
    }
    run.waiting = false;
    const clients = this.#page(run.ids, run.offset);
    const users = this.#users(run.userIds, run.offset);
    run.offset += this.#pageSize;
    const last = run.offset >= run.ids.length;
    if (last) this.#runs.delete(run.target.listener);
    this.#send(run.target.listener, { id: run.id, clients, ...(users.length > 0 ? { users } : {}), last });
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

  /** The users of `userIds[offset…]` as they are now (users gone since are skipped). */
  #users(userIds: readonly number[], offset: number): UserInfo[] {
    const users: UserInfo[] = [];
    const end = Math.min(userIds.length, offset + this.#pageSize);
    for (let i = offset; i < end; i++) {
      const user = this.#relay.user(userIds[i] as number);
      if (user !== null) users.push(user);
    }
    return users;
  }
}
