/**
 * The hub's side of the doors' clients (an MQTT session, an HTTP stream): listed for the operator
 * when they come, told apart when a persistent one is away, counted and logged when they go or
 * cannot keep up. A door calls these; what they listen to is `Subscribers`' (core/clients/).
 */
import type { DisconnectReason } from '../../../shared/api';
import type { RelayEvent } from '../../../shared/hub';
import type { Presence } from './clients/presence';
import type { Subscriber, Subscribers } from './clients/subscribers';
import type { HubCounters, Totals } from './hub-types';
import type { Logger } from './log';
import type { RelayOptions } from './options';

/** What the door clients need of the hub: its public side... */
export interface DoorClientsHub {
  readonly doors: Subscribers;
  readonly presence: Presence;
  readonly log: Logger;
  readonly counters: HubCounters;
  readonly options: RelayOptions;
}

/** ... and what the hub keeps to itself. */
export interface DoorClientsInside {
  readonly totals: Totals;
  /** True when a registration holds this id (a door client may not take it). */
  registered(id: string): boolean;
  emit(build: () => RelayEvent): void;
}

export class DoorClients {
  /** Door clients kept while their connection is away (MQTT persistent sessions): not counted as connected. */
  readonly #away = new Set<Subscriber>();

  constructor(
    private readonly hub: DoorClientsHub,
    private readonly inside: DoorClientsInside,
  ) {}

  /** How many door clients are connected now. */
  get connected(): number {
    return this.hub.doors.size - this.#away.size;
  }

  /** A door's new client: listed for the operator from now on (false: its id is taken). */
  attach(sub: Subscriber): boolean {
    const { doors, presence, log } = this.hub;
    if (this.inside.registered(sub.id) || !doors.add(sub)) return false;
    if (sub.onPresence !== undefined) presence.watch(sub, true);
    const info = sub.info();
    log.info({ client: sub.id, user: sub.userId, protocol: sub.protocol, remote: info.remoteAddress }, 'connected');
    this.inside.emit(() => ({ type: 'connected', client: sub.info() }));
    return true;
  }

  /** A door's client is gone (`reason`, and the close code or protocol reason code it got). */
  detach(sub: Subscriber, reason: DisconnectReason, code: number): void {
    this.hub.presence.watch(sub, false);
    if (!this.hub.doors.remove(sub)) return;
    this.#away.delete(sub);
    this.#disconnected(sub, reason, code);
  }

  /**
   * A door's client kept while offline (an MQTT persistent session) lost or regained its
   * connection: the operator sees it disconnected or connected, it stays a subscriber.
   */
  linked(sub: Subscriber, online: boolean, reason: DisconnectReason = 'client_closed', code = 0): void {
    if (this.hub.doors.get(sub.id) !== sub) return;
    if (online) {
      this.#away.delete(sub);
      this.inside.emit(() => ({ type: 'connected', client: sub.info() }));
      return;
    }
    this.#away.add(sub);
    this.#disconnected(sub, reason, code);
  }

  /** A door's client changed what it listens to (after `doors.subscribe`/`unsubscribe`). */
  changed(sub: Subscriber): void {
    this.inside.emit(() => {
      const { topics } = this.hub.doors.subscriptions(sub);
      return { type: 'topics', id: sub.id, userId: sub.userId, topics };
    });
  }

  /** A door's client that cannot keep up: counted and logged; returns what to do with it. */
  slowConsumer(sub: Subscriber, bufferedBytes: number, first: boolean): 'close' | 'drop' {
    const policy = this.hub.options.slowConsumerPolicy;
    if (policy === 'drop') this.inside.totals.droppedMessages++;
    else this.inside.totals.slowConsumerCloses++;
    if (first || policy === 'close') {
      this.hub.log.warn({ client: sub.id, user: sub.userId, bufferedBytes, policy }, 'slow consumer');
    }
    return policy;
  }

  #disconnected(sub: Subscriber, reason: DisconnectReason, code: number): void {
    const key = `${reason} ${code}`;
    const { disconnects } = this.hub.counters;
    disconnects.set(key, (disconnects.get(key) ?? 0) + 1);
    this.hub.log.info({ client: sub.id, user: sub.userId, protocol: sub.protocol, reason, code }, 'disconnected');
    this.inside.emit(() => ({ type: 'disconnected', id: sub.id, userId: sub.userId, reason, code }));
  }
}
