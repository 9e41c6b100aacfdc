import { bodyChars, type MessageRecord } from '../../shared/traffic';
import type { HeldMessage, MessagesSlice, Slice } from './types';

/** Buffer sizes the operator can choose. */
export const messageLimits = [1_000, 10_000, 100_000] as const;
const defaultLimit = 10_000;
/** Whatever the count, the bodies held never pass this many characters (oldest dropped first). */
export const maxBufferedBodyChars = 32 * 1024 * 1024;
const limitKey = 'relay-hub.message-limit';

/** The saved buffer size, when this browser saved a valid one. */
function savedLimit(): number {
  try {
    const saved = Number(globalThis.localStorage?.getItem(limitKey));
    return (messageLimits as readonly number[]).includes(saved) ? saved : defaultLimit;
  } catch {
    return defaultLimit; // storage refused (privacy settings): the default, not saved
  }
}

/** The last `limit` messages whose bodies fit `maxBufferedBodyChars` together. */
export function keepLastMessages<T extends MessageRecord>(messages: readonly T[], limit: number): T[] {
  let start = Math.max(0, messages.length - limit);
  let chars = 0;
  for (let i = messages.length - 1; i >= start; i--) {
    const body = messages[i]?.body;
    chars += body === undefined ? 0 : bodyChars(body);
    if (chars > maxBufferedBodyChars) {
      start = i + 1;
      break;
    }
  }
  return start === 0 ? [...messages] : messages.slice(start);
}

let nextKey = 1;
const withKeys = (records: readonly MessageRecord[]): HeldMessage[] => records.map((r) => ({ ...r, key: nextKey++ }));

/** The message inspector's buffer: bounded, pausable, filterable. */
export const createMessagesSlice: Slice<MessagesSlice> = (set, get) => ({
  messages: [],
  heldMessages: [],
  messagesPaused: false,
  messageFilter: { topic: '', user: '', text: '' },
  // The saved size is read with the inspector's code (restoreMessageLimit), not while the page opens:
  // a page's first read of localStorage waits for the browser, for tens of ms on a busy machine.
  messageLimit: defaultLimit,
  messageRate: { matched: 0, shown: 0, sampled: false },
  selectedMessage: null,
  appendMessages(batch) {
    const { messages, heldMessages, messagesPaused, messageLimit } = get();
    const sampled = batch.skipped > 0 || batch.matchedPerSecond > batch.shownPerSecond;
    const messageRate = { matched: batch.matchedPerSecond, shown: batch.shownPerSecond, sampled };
    if (batch.records.length === 0) set({ messageRate });
    else if (messagesPaused) {
      set({ messageRate, heldMessages: keepLastMessages([...heldMessages, ...withKeys(batch.records)], messageLimit) });
    } else set({ messageRate, messages: keepLastMessages([...messages, ...withKeys(batch.records)], messageLimit) });
  },
  selectMessage(selectedMessage) {
    set({ selectedMessage });
  },
  setMessagesPaused(paused) {
    const { messages, heldMessages, messageLimit } = get();
    if (paused) set({ messagesPaused: true });
    else {
      const all = keepLastMessages([...messages, ...heldMessages], messageLimit);
      set({ messagesPaused: false, messages: all, heldMessages: [] });
    }
  },
  setMessageFilter(filter) {
    set({ messageFilter: { ...get().messageFilter, ...filter } });
  },
  restoreMessageLimit() {
    const limit = savedLimit();
    if (limit !== get().messageLimit) set({ messageLimit: limit, messages: keepLastMessages(get().messages, limit) });
  },
  setMessageLimit(limit) {
    try {
      globalThis.localStorage?.setItem(limitKey, String(limit));
    } catch {
      // not saved: the choice lasts for this page
    }
    const { messages, heldMessages } = get();
    set({
      messageLimit: limit,
      messages: keepLastMessages(messages, limit),
      heldMessages: keepLastMessages(heldMessages, limit),
    });
  },
  clearMessages() {
    set({ messages: [], heldMessages: [], selectedMessage: null });
  },
});
