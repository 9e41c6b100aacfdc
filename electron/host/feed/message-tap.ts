/**
 * One GUI's message inspector at the hub: filters the publishes it sees, keeps what fits the
 * budget of one update and counts the rest, so a firehose reaches the GUI as a steady sample
 * with its true rate. Exists only while an inspector is open: without one, no message is looked at.
 */
import type { RelayEvent } from '../../../shared/hub';
import {
  matchesMessageFilter,
  maxInspectedBodyChars,
  type MessageBatch,
  type MessageFilter,
  type MessageRecord,
} from '../../../shared/traffic';

/** Most a tap hands over per update. */
export interface TapBudget {
  /** Messages per update (default 100: 1,000 a second at 10 updates a second). */
  messages: number;
  /** Body characters per update (default 256 Ki). */
  chars: number;
}

export const defaultTapBudget: TapBudget = { messages: 100, chars: 256 * 1024 };

export class MessageTap {
  #filter: MessageFilter;
  readonly #budget: TapBudget;
  #records: MessageRecord[] = [];
  #chars = 0;
  #seq = 0;
  #skipped = 0;
  // The rate is measured over windows of a second or more, so it reads steadily.
  #windowStart = Date.now();
  #windowMatched = 0;
  #windowShown = 0;
  #rate = 0;
  #shownRate = 0;
  #reportedRate = 0;

  constructor(filter: MessageFilter, budget: TapBudget = defaultTapBudget) {
    this.#filter = filter;
    this.#budget = budget;
  }

  /** Replaces the filter; messages already taken stay. */
  setFilter(filter: MessageFilter): void {
    this.#filter = filter;
  }

  /** True when the rate it last reported was not zero (a trailing update must say it fell). */
  get active(): boolean {
    return this.#reportedRate !== 0 || this.#windowMatched > 0 || this.#records.length > 0 || this.#skipped > 0;
  }

  /** Looks at one publish: counted when it matches, kept when it also fits the budget. */
  offer(event: Extract<RelayEvent, { type: 'published' }>): void {
    const message = event.message;
    const text = typeof message === 'string' ? message : null;
    if (!matchesMessageFilter(this.#filter, event.topic, event.userId, text)) return;
    this.#windowMatched++;
    const seq = ++this.#seq;
    // A binary message: its first bytes, in base64 (about 4/3 as many characters).
    const chars = Math.min(message.length, maxInspectedBodyChars);
    const full = this.#records.length >= this.#budget.messages;
    // The first message of a batch always fits: one long body must not block every batch.
    if (full || (this.#records.length > 0 && this.#chars + chars > this.#budget.chars)) {
      this.#skipped++;
      return;
    }
    this.#chars += chars;
    this.#windowShown++;
    this.#records.push({
      seq,
      at: Date.now(),
      topic: event.topic,
      userId: event.userId,
      origin: event.origin,
      bytes: text === null ? message.length : Buffer.byteLength(text),
      delivered: event.receipt.delivered,
      body:
        text === null
          ? { base64: Buffer.from((message as Uint8Array).subarray(0, chars)).toString('base64') }
          : { text: chars < text.length ? text.slice(0, chars) : text },
      truncated: chars < message.length,
    });
  }

  /** The batch for the next update, or null when there is nothing new to say. */
  take(now: number): MessageBatch | null {
    const elapsed = now - this.#windowStart;
    if (elapsed >= 1000) {
      this.#rate = Math.round((this.#windowMatched * 1000) / elapsed);
      this.#shownRate = Math.round((this.#windowShown * 1000) / elapsed);
      this.#windowStart = now;
      this.#windowMatched = 0;
      this.#windowShown = 0;
    } else if (this.#rate === 0 && this.#windowMatched > 0 && elapsed >= 200) {
      // Traffic after a quiet spell (or a new inspector): a first estimate before the window closes.
      this.#rate = Math.round((this.#windowMatched * 1000) / elapsed);
      this.#shownRate = Math.round((this.#windowShown * 1000) / elapsed);
    }
    if (this.#records.length === 0 && this.#skipped === 0 && this.#rate === this.#reportedRate) return null;
    const batch: MessageBatch = {
      records: this.#records,
      matchedPerSecond: this.#rate,
      shownPerSecond: this.#shownRate,
      skipped: this.#skipped,
    };
    this.#records = [];
    this.#chars = 0;
    this.#skipped = 0;
    this.#reportedRate = this.#rate;
    return batch;
  }
}
