/**
 * The feed's live log: a bounded ring of readable lines. A firehose (publishes to one target,
 * drops for one client) stays one line per key and update, and costs a counter increment per
 * message: the line's text is written once, when the update is built.
 */
import type { RelayEvent, RelayEventType, UnregisterReason } from '../../../shared/hub';
import type { LogEntry } from '../../../shared/ipc';

/** The first characters of an id, enough to tell registrations apart in the log. */
export function shortId(id: string): string {
  return `${id.slice(0, 8)}…`;
}

/** One readable log line for a relay event. */
export function describeEvent(event: RelayEvent): string {
  switch (event.type) {
    case 'registered':
      return `user ${event.client.userId} registered ${shortId(event.client.id)}`;
    case 'unregistered':
      return `user ${event.userId} ${shortId(event.id)} ${unregisterText[event.reason]}`;
    case 'connected': {
      const from = event.client.remoteAddress === null ? '' : ` from ${event.client.remoteAddress}`;
      return `user ${event.client.userId} connected ${shortId(event.client.id)}${from}${onHub(event.hub)}`;
    }
    case 'disconnected':
      return `user ${event.userId} disconnected ${shortId(event.id)}${onHub(event.hub)} (${event.reason.replaceAll('_', ' ')}, code ${event.code})`;
    case 'topics':
      return `user ${event.userId} ${shortId(event.id)} subscribed to ${event.topics.length > 0 ? event.topics.join(', ') : 'nothing'}`;
    case 'published':
      return describePublish(publisherOf(event), event.topic, event.userId, 1, event.receipt.delivered);
    case 'slow-consumer':
      return describeSlowConsumer(event, 1);
    case 'cluster':
      return event.text;
  }
}

/** ` on hub <name>` for a socket on another hub of the cluster. */
function onHub(hub: string | undefined): string {
  return hub === undefined ? '' : ` on hub ${hub}`;
}

const unregisterText: Record<UnregisterReason, string> = {
  request: 'unregistered',
  never_connected: 'expired: never connected',
  idle: 'expired: idle too long',
  key_revoked: 'removed: its device key was revoked',
};

type PublishedEvent = Extract<RelayEvent, { type: 'published' }>;

/** Who published, for the log: a device (its short id), the GUI, another hub, or nobody named (an HTTP client). */
function publisherOf(event: PublishedEvent): string {
  if (event.origin === 'device' && event.clientId !== null) return `device ${shortId(event.clientId)} `;
  if (event.origin === 'cluster') return 'another hub ';
  return event.origin === 'gui' ? 'the GUI ' : '';
}

function describePublish(
  publisher: string,
  topic: string,
  userId: number | null,
  count: number,
  delivered: number,
): string {
  const target = userId === null ? topic : `${topic} for user ${userId}`;
  const what = count === 1 ? 'published' : `published ${count} messages`;
  return `${publisher}${what} to ${target}: delivered to ${delivered}`;
}

function describeSlowConsumer(event: Extract<RelayEvent, { type: 'slow-consumer' }>, count: number): string {
  if (count > 1) return `user ${event.userId} ${shortId(event.id)} is a slow consumer: dropped ${count} messages`;
  const outcome = event.policy === 'drop' ? 'dropping messages' : 'closed';
  return `user ${event.userId} ${shortId(event.id)} is a slow consumer (${event.bufferedBytes} bytes buffered): ${outcome}`;
}

/** A run of like events merged into one line; its text is written when the update is built. */
interface Run {
  entry: LogEntry;
  count: number;
  total: number;
  describe: (count: number, total: number) => string;
}

/** The log ring plus the lines and open runs of the update being gathered. */
export class FeedLog {
  readonly #size: number;
  readonly #ring: LogEntry[] = [];
  #pending: LogEntry[] = [];
  #seq = 0;
  // Open runs of the pending update: untargeted publishes by topic, targeted ones by topic then user,
  // drops by client. Interleaved firehoses still merge, and no key string is built per message.
  readonly #topicRuns = new Map<string, Run>();
  readonly #userRuns = new Map<string, Map<number, Run>>();
  readonly #slowRuns = new Map<string, Run>();
  // Devices' and the GUI's publishes, by publisher and target.
  readonly #publisherRuns = new Map<string, Run>();
  #openRuns: Run[] = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** Appends a line. */
  append(kind: RelayEventType, text: string): LogEntry {
    const entry: LogEntry = { seq: ++this.#seq, at: Date.now(), kind, text };
    this.#ring.push(entry);
    if (this.#ring.length > this.#size) this.#ring.splice(0, this.#ring.length - this.#size);
    this.#pending.push(entry);
    if (this.#pending.length > this.#size) this.#pending = this.#pending.slice(-this.#size);
    return entry;
  }

  /** Counts a publish into its target's line (a device's or the GUI's publishes get lines of their own). */
  published(event: PublishedEvent): void {
    const { topic, userId } = event;
    const delivered = event.receipt.delivered;
    if (event.origin !== 'http') {
      const key = `${event.origin}\u0000${event.clientId ?? ''}\u0000${userId ?? ''}\u0000${topic}`;
      const run = this.#publisherRuns.get(key);
      const publisher = publisherOf(event);
      if (run !== undefined) this.#extend(run, delivered);
      else
        this.#publisherRuns.set(
          key,
          this.#open('published', delivered, (n, total) => describePublish(publisher, topic, userId, n, total)),
        );
      return;
    }
    if (userId === null) {
      const run = this.#topicRuns.get(topic);
      if (run !== undefined) this.#extend(run, delivered);
      else
        this.#topicRuns.set(
          topic,
          this.#open('published', delivered, (n, total) => describePublish('', topic, userId, n, total)),
        );
      return;
    }
    let byUser = this.#userRuns.get(topic);
    if (byUser === undefined) this.#userRuns.set(topic, (byUser = new Map<number, Run>()));
    const run = byUser.get(userId);
    if (run !== undefined) this.#extend(run, delivered);
    else
      byUser.set(
        userId,
        this.#open('published', delivered, (n, total) => describePublish('', topic, userId, n, total)),
      );
  }

  /** Counts a slow-consumer event into its client's line. */
  slowConsumer(event: Extract<RelayEvent, { type: 'slow-consumer' }>): void {
    const run = this.#slowRuns.get(event.id);
    if (run !== undefined) this.#extend(run, 1);
    else
      this.#slowRuns.set(
        event.id,
        this.#open('slow-consumer', 1, (count) => describeSlowConsumer(event, count)),
      );
  }

  /** Writes the open runs' texts and closes them: later events start new lines. */
  closeRuns(): void {
    const now = Date.now();
    for (const run of this.#openRuns) {
      run.entry.text = run.describe(run.count, run.total);
      if (run.count > 1) run.entry.at = now; // the time of the run's last message, within an update interval
    }
    this.#openRuns = [];
    this.#topicRuns.clear();
    this.#userRuns.clear();
    this.#slowRuns.clear();
    this.#publisherRuns.clear();
  }

  /** The lines gathered since the last call (runs closed first). */
  takePending(): LogEntry[] {
    this.closeRuns();
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }

  /** Forgets the pending lines (nobody to send them to); they stay in the ring. */
  dropPending(): void {
    this.closeRuns();
    this.#pending = [];
  }

  /** A copy of the ring (runs closed first: lines handed out are final). */
  lines(): LogEntry[] {
    this.closeRuns();
    return [...this.#ring];
  }

  #open(kind: RelayEventType, amount: number, describe: Run['describe']): Run {
    const run: Run = { entry: this.append(kind, ''), count: 1, total: amount, describe };
    this.#openRuns.push(run);
    return run;
  }

  #extend(run: Run, amount: number): void {
    run.count++;
    run.total += amount;
  }
}
