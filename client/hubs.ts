/**
 * The hubs a client may use: the one it was given, and the other hubs of the same cluster
 * (`hubs`). When a hub cannot be reached the client moves on to the next one, round the list;
 * its registration (shared by every hub of a cluster) and its recovery positions go with it.
 */
import { baseUrl } from './hub-http';

export class HubList {
  readonly #urls: string[];
  #index = 0;

  constructor(first: string, others: readonly string[] = []) {
    const urls = [first, ...others].map(baseUrl);
    this.#urls = urls.filter((url, i) => urls.indexOf(url) === i);
  }

  /** The hub in use. */
  get current(): string {
    return this.#urls[this.#index] as string;
  }

  /** True when there is another hub to move to. */
  get several(): boolean {
    return this.#urls.length > 1;
  }

  /** Moves to the next hub; returns it. */
  next(): string {
    this.#index = (this.#index + 1) % this.#urls.length;
    return this.current;
  }
}
