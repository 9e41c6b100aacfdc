/**
 * The topic tree's live side at the hub: for every topic with a stream, its last value (a
 * preview), how many messages it got and how fast, and whether it holds a retained message.
 * Exists only while a GUI watches the tree; a publish then costs a map lookup and a few
 * assignments: the preview of a topic's last message is cut once per update, not per publish.
 */
import type { HistoryItem } from '../../../shared/api';
import type { RelayEvent } from '../../../shared/hub';
import type { RetainedPreview, TopicLive } from '../../../shared/ipc';
import { previewOf } from '../commands/commands-streams';
import type { Relay } from '../../relay/index';
import { pageOf } from './pages';

type Published = Extract<RelayEvent, { type: 'published' }>;

interface Entry {
  live: TopicLive;
  /** The last message, not yet cut to a preview (the next `take` does it). */
  pending: { message: string | Uint8Array; ts: number } | null;
  /** Publishes since the last rate tick. */
  window: number;
}

/** Characters of a topic's last text message the tree carries (bytes: three quarters of it). */
export const livePreviewChars = 256;

/** The tree's view of every topic, kept current from the relay's publishes while watched. */
export class TopicWatch {
  readonly #relay: Relay;
  readonly #entries = new Map<string, Entry>();
  readonly #dirty = new Set<string>();
  #active = false;
  #tickAt = 0;

  constructor(relay: Relay) {
    this.#relay = relay;
  }

  /** True while a GUI watches (publishes are followed). */
  get active(): boolean {
    return this.#active;
  }

  /** True when a topic's rate is not zero (a trailing update must say when it falls). */
  get moving(): boolean {
    for (const entry of this.#entries.values()) if (entry.live.perSecond !== 0 || entry.window > 0) return true;
    return false;
  }

  /** Starts following publishes, from every topic's stream as the engine holds it now. */
  start(now = Date.now()): void {
    if (this.#active) return;
    this.#active = true;
    this.#tickAt = now;
    for (const stream of this.#relay.streams()) {
      const lastItem =
        stream.retained?.offset === stream.lastOffset
          ? stream.retained
          : (this.#relay.history(stream.topic, Math.max(0, stream.lastOffset - 1), 1)?.messages.at(-1) ?? null);
      this.#entries.set(stream.topic, {
        live: {
          topic: stream.topic,
          messages: stream.lastOffset,
          perSecond: 0,
          last: lastItem === null ? null : cut(lastItem),
          retained: stream.retained !== null,
        },
        pending: null,
        window: 0,
      });
    }
  }

  /** Stops following and forgets every topic. */
  stop(): void {
    this.#active = false;
    this.#entries.clear();
    this.#dirty.clear();
  }

  /**
   * Every topic followed now, in pages of `size`: the first as it is now, and `page(offset)`, which
   * makes a later one as it is when called (topics no longer followed are skipped).
   */
  paged(size: number): { first: TopicLive[]; total: number; page: (offset: number) => { topics: TopicLive[] } } {
    const names = [...this.#entries.keys()];
    const live = (offset: number): TopicLive[] =>
      pageOf(names, offset, size, (name) => {
        const entry = this.#entries.get(name);
        return entry === undefined ? null : this.#settle(entry);
      });
    return { first: live(0), total: names.length, page: (offset) => ({ topics: live(offset) }) };
  }

  /** Notes one publish. */
  published(event: Published): void {
    if (!this.#active) return;
    let entry = this.#entries.get(event.topic);
    if (entry === undefined) {
      entry = {
        live: { topic: event.topic, messages: 0, perSecond: 0, last: null, retained: false },
        pending: null,
        window: 0,
      };
      this.#entries.set(event.topic, entry);
    }
    entry.live.messages = Math.max(entry.live.messages, event.receipt.offset);
    entry.pending = { message: event.message, ts: Date.now() };
    entry.window++;
    // An empty retained publish clears the retained message.
    if (event.retain === true) entry.live.retained = event.message.length > 0;
    this.#dirty.add(event.topic);
  }

  /** The operator cleared a topic's retained message. */
  retainedCleared(topic: string): void {
    const entry = this.#entries.get(topic);
    if (entry === undefined || !entry.live.retained) return;
    entry.live.retained = false;
    this.#dirty.add(topic);
  }

  /** Measures each topic's rate over the time since the last tick (call about once a second). */
  tick(now = Date.now()): void {
    const seconds = (now - this.#tickAt) / 1000;
    if (seconds <= 0) return;
    this.#tickAt = now;
    for (const entry of this.#entries.values()) {
      if (entry.window === 0 && entry.live.perSecond === 0) continue;
      const rate = Math.round((entry.window / seconds) * 10) / 10;
      entry.window = 0;
      if (rate === entry.live.perSecond) continue;
      entry.live.perSecond = rate;
      this.#dirty.add(entry.live.topic);
    }
  }

  /** When the rates were last measured (ms since the epoch). */
  get tickAt(): number {
    return this.#tickAt;
  }

  /** The topics changed since the last call (null: none). */
  take(): TopicLive[] | null {
    if (this.#dirty.size === 0) return null;
    const changed: TopicLive[] = [];
    for (const topic of this.#dirty) {
      const entry = this.#entries.get(topic);
      if (entry !== undefined) changed.push(this.#settle(entry));
    }
    this.#dirty.clear();
    return changed;
  }

  /** The entry's value with its last message cut to a preview (a copy: later publishes do not change it). */
  #settle(entry: Entry): TopicLive {
    if (entry.pending !== null) {
      entry.live.last = previewOfMessage(entry.pending.message, entry.pending.ts);
      entry.pending = null;
    }
    return { ...entry.live };
  }
}

function cut(item: HistoryItem): RetainedPreview {
  return previewOf(item, livePreviewChars);
}

/** A message as published, cut to a preview (a copy: a big message is not kept alive by its preview). */
export function previewOfMessage(message: string | Uint8Array, ts: number): RetainedPreview {
  if (typeof message !== 'string') {
    const head = Buffer.from(message.subarray(0, (livePreviewChars / 4) * 3));
    return {
      message: head.toString('base64'),
      encoding: 'base64',
      ts,
      bytes: message.length,
      truncated: head.length < message.length,
    };
  }
  const truncated = message.length > livePreviewChars;
  // A slice of a long string keeps all of it alive in V8: copy it through a buffer.
  const text = truncated ? Buffer.from(message.slice(0, livePreviewChars)).toString() : message;
  return { message: text, ts, bytes: Buffer.byteLength(message), truncated };
}
