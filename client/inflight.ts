/**
 * Publishes sent and waiting for the hub's ack, each with a deadline: no ack (nor error) within
 * the client's `timeoutMs` rejects it with `timeout` (a late ack is then ignored).
 */
import type { Pending } from './outbox';
import { timeoutMessage } from './timeout';
import { RelayError } from './types';

export class Inflight {
  readonly #items = new Map<number, { item: Pending; timer: ReturnType<typeof setTimeout> }>();

  constructor(readonly timeoutMs: number) {}

  /** Starts the wait for `item`'s ack. */
  add(item: Pending): void {
    const timer = setTimeout(() => {
      this.#items.delete(item.id);
      item.reject(new RelayError('timeout', timeoutMessage(`publish ${item.id} to ${item.topic}`, this.timeoutMs)));
    }, this.timeoutMs);
    this.#items.set(item.id, { item, timer });
  }

  /** The publish that `id` answers (its wait over), if it is still waiting. */
  take(id: unknown): Pending | undefined {
    if (typeof id !== 'number') return undefined;
    const entry = this.#items.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.#items.delete(id);
    return entry.item;
  }

  /** Ends every wait, oldest first, returning the publishes. */
  drain(): Pending[] {
    const items = [...this.#items.values()];
    this.#items.clear();
    for (const { timer } of items) clearTimeout(timer);
    return items.map(({ item }) => item);
  }
}
