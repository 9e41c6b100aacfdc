/**
 * A big hub's clients and users, sent to a GUI in pages (see pages.ts): its `getInit` answer holds
 * the first page, the GUI asks for each next one (`nextClientPage`). A page holds the clients (and
 * users) of its slice of the ids taken at the answer, as they are when it is sent: a client gone
 * before its page is skipped by the page; one gone after it is removed by a later update; one come
 * since the answer arrives as an update.
 */
import type { ClientInfo, UserInfo } from '../../../shared/hub';
import type { ClientPage, Paging } from '../../../shared/ipc';
import type { Relay } from '../../relay/index';
import { Pager, pageOf, type PageTarget } from './pages';

export type { PageTarget } from './pages';

/** Clients (and users) per page: a page is one small task to build here and to apply in the GUI. */
export const clientPageSize = 500;

/** The first page, and the paging of the rest when there is more. */
export interface FirstPage {
  clients: ClientInfo[];
  users: UserInfo[];
  paging?: Paging;
}

/** Sends the pages of every listener's current client snapshot, each when asked. */
export class ClientPager<L> {
  readonly #relay: Relay;
  readonly #pageSize: number;
  readonly #pager: Pager<L, Omit<ClientPage, 'id' | 'last'>>;

  constructor(relay: Relay, send: (listener: L, page: ClientPage) => void, pageSize = clientPageSize) {
    this.#relay = relay;
    this.#pageSize = pageSize;
    this.#pager = new Pager<L, Omit<ClientPage, 'id' | 'last'>>(send);
  }

  /** Starts a snapshot for `target` (replacing its previous one) and answers its first page. */
  start(target: PageTarget<L>): FirstPage {
    this.#pager.cancel(target.listener);
    const size = this.#pageSize;
    const ids = this.#relay.clientIds();
    const users = this.#relay.users();
    const clients = pageOf(ids, 0, size, (id) => this.#relay.client(id));
    if (ids.length <= size) return { clients, users };
    // A user has a registration: users are never more than clients, so their pages end first.
    const userIds = users.map((user) => user.userId);
    const paging = this.#pager.start(target, ids.length, size, (offset) => {
      const page = pageOf(userIds, offset, size, (userId) => this.#relay.user(userId));
      return {
        clients: pageOf(ids, offset, size, (id) => this.#relay.client(id)),
        ...(page.length > 0 ? { users: page } : {}),
      };
    });
    return { clients, users: users.slice(0, size), paging };
  }

  /** Sends the next page of snapshot `id` to `listener`; false when that snapshot is not its current one or is complete. */
  next(listener: L, id: number): boolean {
    return this.#pager.next(listener, id);
  }

  /** Stops the pages of `listener` (it left, or asked again). */
  cancel(listener: L): void {
    this.#pager.cancel(listener);
  }

  /** Stops every snapshot. */
  close(): void {
    this.#pager.close();
  }
}
