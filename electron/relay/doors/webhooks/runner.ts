/**
 * One webhook at work: a tap of the core (woken by every publication its filters match) that sends
 * the topic's messages from the history, one request at a time, in order per topic, moving the
 * topic's cursor only after a 2xx: at-least-once, across receiver outages and hub restarts. A
 * failure waits (exponential backoff with full jitter, capped); a 4xx other than 408/429 gives
 * that message up; a gap the history no longer covers is said with one `recovered: false` delivery.
 */
import { createHmac } from 'node:crypto';
import type { StreamPosition } from '../../../../shared/api';
import type { ClientInfo } from '../../../../shared/hub';
import { filterMatches } from '../../../../shared/topic-filter';
import type { WebhookInfo } from '../../../../shared/webhooks';
import type { Publication } from '../../core/history/types';
import type { Delivery } from '../../core/clients/fanout';
import { hopHeader } from '../../core/clients/hops';
import type { Hub } from '../../core/hub';
import type { Subscriber } from '../../core/clients/subscribers';
import { post, type Attempt } from './sender';
import type { StoredHook } from './store';

/** A publish that came back through this many hooks is not sent again. */
export const maxHops = 3;
const baseBackoffMs = 250;
const rememberedHops = 10_000;

/** What a runner needs around it. */
export interface RunnerContext {
  hub: Hub;
  /** The hook's state changed: its cursors are to be written. */
  changed(): void;
}

type Next =
  | { kind: 'message'; topic: string; publication: Publication; epoch: string }
  | { kind: 'gap'; topic: string; epoch: string; from: number; to: number }
  | null;

/** Sends one hook's messages. */
export class HookRunner {
  readonly tap: Subscriber;
  readonly #pending = new Set<string>();
  readonly #hops = new Map<string, number>();
  readonly #tests: { resolve: (attempt: Attempt) => void }[] = [];
  #busy = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #state: Omit<WebhookInfo, 'id' | 'url' | 'filters' | 'signed' | 'createdAt' | 'backlog'> = {
    lastStatus: null,
    lastLatencyMs: null,
    lastError: null,
    delivered: 0,
    failures: 0,
    rejected: 0,
    fellBehind: 0,
    loopsStopped: 0,
    retryAt: null,
  };

  constructor(
    private readonly ctx: RunnerContext,
    readonly hook: StoredHook,
  ) {
    const id = `webhook-${hook.id}`;
    this.tap = {
      id,
      protocol: 'webhook',
      userId: null,
      deliver: (delivery) => this.#onPublish(delivery),
      info: () =>
        ({ id, protocol: 'webhook', userId: null, topics: [], filters: hook.filters }) as unknown as ClientInfo,
      close: () => this.stop(),
    };
  }

  /** Starts listening, and sends what the history holds past its cursors (a restart resumes here). */
  start(): void {
    const { hub } = this.ctx;
    hub.taps.add(this.tap);
    hub.taps.subscribe(this.tap, { filters: this.hook.filters });
    for (const { topic } of hub.engine.topics()) if (this.#matches(topic)) this.#pending.add(topic);
    this.#kick();
  }

  /** Starts its cursors at the topics' positions now: a new hook sends only what is published from now on. */
  startFromNow(): void {
    for (const { topic, epoch, lastOffset } of this.ctx.hub.engine.topics()) {
      if (this.#matches(topic)) this.hook.cursors[topic] = { epoch, offset: lastOffset };
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.ctx.hub.taps.remove(this.tap);
    for (const test of this.#tests.splice(0)) test.resolve({ status: 0, latencyMs: 0, error: 'removed' });
  }

  /** Sends a test delivery (in turn with the messages); resolves with how it went. */
  test(): Promise<Attempt> {
    return new Promise((resolve) => {
      this.#tests.push({ resolve });
      this.#kick();
    });
  }

  /** The hook as the operator sees it. */
  info(): WebhookInfo {
    const { id, url, filters, secret, createdAt } = this.hook;
    return { id, url, filters, signed: secret !== undefined, createdAt, backlog: this.#backlog(), ...this.#state };
  }

  #onPublish(delivery: Delivery): boolean {
    const hop = this.ctx.hub.publishHop;
    if (hop > 0) {
      if (this.#hops.size >= rememberedHops) this.#hops.delete(this.#hops.keys().next().value as string);
      this.#hops.set(`${delivery.topic}\n${delivery.offset}`, hop);
    }
    this.#pending.add(delivery.topic);
    this.#kick();
    return true;
  }

  #kick(): void {
    if (this.#busy || this.#stopped || this.#timer !== null) return;
    this.#busy = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const test = this.#tests.shift();
      if (test !== undefined) {
        const body = JSON.stringify({ test: true, webhook: this.hook.id, ts: Date.now() });
        test.resolve(await this.#post(body, `${this.hook.id}.test.${Date.now()}`, 1));
        continue;
      }
      const next = this.#next();
      if (next === null) break;
      if (!(await this.#send(next))) {
        this.#retryLater();
        break;
      }
    }
    this.#busy = false;
  }

  /** Sends one message or gap notice; false when it must be retried. */
  async #send(next: Exclude<Next, null>): Promise<boolean> {
    const { topic, epoch } = next;
    let body: string;
    let deliveryId: string;
    let hop = 0;
    let position: StreamPosition;
    if (next.kind === 'gap') {
      body = JSON.stringify({ topic, recovered: false, missed_from: next.from, missed_to: next.to, epoch });
      deliveryId = `${this.hook.id}.${epoch}.${next.from}-${next.to}`;
      position = { epoch, offset: next.to };
    } else {
      const { publication } = next;
      position = { epoch, offset: publication.offset };
      hop = this.#hops.get(`${topic}\n${publication.offset}`) ?? 0;
      if (hop >= maxHops) {
        this.#state.loopsStopped++;
        this.#advance(topic, position);
        return true;
      }
      body = envelopeJson(publication, epoch);
      deliveryId = `${this.hook.id}.${epoch}.${publication.offset}`;
    }
    const attempt = await this.#post(body, deliveryId, hop + 1);
    if (this.#stopped) return true;
    const { status } = attempt;
    if (status >= 200 && status < 300) {
      this.#attempt = 0;
      this.#state.retryAt = null;
      if (next.kind === 'gap') this.#state.fellBehind++;
      else this.#state.delivered++;
      this.#advance(topic, position);
      return true;
    }
    this.#state.failures++;
    if (status === 0 || status === 408 || status === 429 || status >= 500) return false;
    // Any other answer (a 4xx, a redirect, which is never followed) says not to send it again.
    this.#state.rejected++;
    this.#advance(topic, position);
    return true;
  }

  async #post(body: string, deliveryId: string, hop: number): Promise<Attempt> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'relay-hub-webhook',
      'x-relay-hub-delivery': deliveryId,
      [hopHeader]: String(hop),
    };
    if (this.hook.secret !== undefined) {
      headers['x-relay-hub-signature'] = `sha256=${createHmac('sha256', this.hook.secret).update(body).digest('hex')}`;
    }
    const attempt = await post(this.hook.url, body, headers, this.ctx.hub.options.webhookTimeoutMs);
    this.#state.lastStatus = attempt.status;
    this.#state.lastLatencyMs = attempt.latencyMs;
    this.#state.lastError = attempt.error ?? (attempt.status >= 300 ? `HTTP ${attempt.status}` : null);
    return attempt;
  }

  #advance(topic: string, position: StreamPosition): void {
    this.hook.cursors[topic] = position;
    this.ctx.changed();
  }

  #retryLater(): void {
    const cap = this.ctx.hub.options.webhookMaxBackoffMs;
    // Full jitter: anywhere from 0 to the exponential bound, so failing hooks do not retry in step.
    const delay = Math.round(Math.random() * Math.min(cap, baseBackoffMs * 2 ** Math.min(this.#attempt, 20)));
    this.#attempt++;
    this.#state.retryAt = Date.now() + delay;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#kick();
    }, delay);
    this.#timer.unref();
  }

  /** The next thing to send, round-robin over the topics with something left. */
  #next(): Next {
    const { engine } = this.ctx.hub;
    for (const topic of this.#pending) {
      this.#pending.delete(topic);
      const now = engine.position(topic);
      if (now === null) continue;
      const cursor = this.hook.cursors[topic];
      const from = cursor?.epoch === now.epoch ? cursor.offset : 0;
      if (cursor !== undefined && cursor.epoch !== now.epoch && cursor.offset > 0) {
        // The topic's stream started over (another epoch): what the old one held is out of reach.
        this.#pending.add(topic);
        this.hook.cursors[topic] = { epoch: now.epoch, offset: 0 };
        return { kind: 'gap', topic, epoch: now.epoch, from: cursor.offset + 1, to: 0 };
      }
      if (from >= now.offset) continue;
      // Back in the round: one message per topic per turn.
      this.#pending.add(topic);
      const publication = engine.history(topic, from, 1).publications[0];
      if (publication === undefined || publication.offset > from + 1) {
        const to = (publication?.offset ?? now.offset + 1) - 1;
        return { kind: 'gap', topic, epoch: now.epoch, from: from + 1, to };
      }
      return { kind: 'message', topic, publication, epoch: now.epoch };
    }
    return null;
  }

  #backlog(): number {
    let backlog = 0;
    for (const { topic, epoch, lastOffset } of this.ctx.hub.engine.topics()) {
      if (!this.#matches(topic)) continue;
      const cursor = this.hook.cursors[topic];
      backlog += Math.max(0, lastOffset - (cursor?.epoch === epoch ? cursor.offset : 0));
    }
    return backlog;
  }

  #matches(topic: string): boolean {
    return this.hook.filters.some((filter) => filterMatches(filter, topic));
  }
}

/** The envelope a receiver gets: the WebSocket device's, binary as base64 with `"encoding": "base64"`. */
function envelopeJson(publication: Publication, epoch: string): string {
  const { topic, message, userId, ts, offset } = publication;
  const envelope: Record<string, unknown> = { topic };
  if (typeof message === 'string') envelope.message = message;
  else Object.assign(envelope, { message: message.toString('base64'), encoding: 'base64' });
  if (userId !== undefined) envelope.user_id = userId;
  Object.assign(envelope, { ts, offset, epoch });
  return JSON.stringify(envelope);
}
