/**
 * The relay's event listeners: who wants which events, and building an event only when someone
 * listens. The per-message events (`published`, `slow-consumer`) cost nothing without a listener
 * that asked for them.
 */
import type { RelayEvent, RelayEventType } from '../../../shared/hub';

/** Receives every relay event (or those it asked for). */
export type RelayListener = (event: RelayEvent) => void;

/** Events sent for every message (a publish, a dropped frame): built only when a listener asked for them. */
const firehose: ReadonlySet<RelayEventType> = new Set(['published', 'slow-consumer']);

export class RelayEvents {
  /** Each listener with the event types it wants (null: all). */
  readonly #listeners = new Map<RelayListener, ReadonlySet<RelayEventType> | null>();
  /** Listeners that want the per-message events. */
  #firehoseListeners = 0;

  /** True when some listener wants the per-message events (a publish builds one only then). */
  get firehose(): boolean {
    return this.#firehoseListeners > 0;
  }

  /**
   * Subscribes to events (only `types` when given: a listener that leaves out `published` and
   * `slow-consumer` costs nothing per message); returns the unsubscribe function.
   */
  on(listener: RelayListener, types?: readonly RelayEventType[]): () => void {
    if (this.#listeners.has(listener)) return () => undefined;
    const wanted = types === undefined ? null : new Set(types);
    const firehoseToo = wanted === null || [...firehose].some((type) => wanted.has(type));
    this.#listeners.set(listener, wanted);
    if (firehoseToo) this.#firehoseListeners++;
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (firehoseToo) this.#firehoseListeners--;
    };
  }

  /** Builds the event only when someone listens; a throwing listener never breaks the relay. */
  emit(build: () => RelayEvent): void {
    if (this.#listeners.size === 0) return;
    const event = build();
    for (const [listener, types] of this.#listeners) {
      if (types !== null && !types.has(event.type)) continue;
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          // Surface the bug without unwinding the relay's own call stack.
          console.error('relay listener failed:', error);
        });
      }
    }
  }
}
