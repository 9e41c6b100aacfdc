/**
 * The tutorial's device sockets on this hub: attaching an upgraded socket to its registration,
 * what its frames ask (topics, publishes, a will), the heartbeat, the slow-consumer policy, and
 * what its end means (presence, the will, the counters, the log).
 */
import type { WebSocket } from 'ws';
import { CloseCode, type DisconnectReason } from '../../../shared/api';
import type { RelayEvent } from '../../../shared/hub';
import type { DeliveryFormat } from '../../../shared/protocol';
import { maySubscribe } from './access/access';
import { Connection, type ConnectionHooks } from './clients/connection';
import type { DeviceFilters } from './clients/device-filters';
import type { FlushScheduler } from './clients/fanout';
import { presenceClient, type Presence } from './clients/presence';
import type { Registry } from './clients/registry';
import { answerSubscribe } from './clients/subscribe';
import type { Wills } from './clients/wills';
import { deviceWill, publishFromDevice, willOwner, type DevicePublishHost } from './device-publish';
import type { Engine } from './history/types';
import type { HubCounters, Totals } from './hub-types';
import type { Logger } from './log';

/** What the device sockets need of the hub: its public side. */
export interface DevicesHub extends DevicePublishHost {
  /** The engine now (it changes when the hub joins a cluster). */
  readonly engine: Engine;
  readonly presence: Presence;
  readonly log: Logger;
  readonly counters: HubCounters;
  /** Every door's last wills (see `core/clients/wills.ts`). */
  readonly wills: Wills;
}

/** ... and what the hub keeps to itself. */
export interface DevicesInside {
  readonly registry: Registry<Connection>;
  readonly deviceFilters: DeviceFilters;
  readonly scheduler: FlushScheduler;
  readonly totals: Totals;
  /** True when a listener wants the per-message events. */
  firehose(): boolean;
  emit(build: () => RelayEvent): void;
}

export class Devices {
  readonly #all = new Set<Connection>();
  readonly #connIds = new WeakMap<Connection, number>();
  #connSeq = 0;
  readonly #hooks: ConnectionHooks;

  constructor(
    private readonly hub: DevicesHub,
    private readonly inside: DevicesInside,
  ) {
    this.#hooks = {
      onTopics: (connection, topics, since, filters = []) => {
        // In a cluster this hub may lag the one the device came from by a moment: caught up first.
        hub.engine.whenCurrent(since, () => {
          const record = connection.record;
          if (inside.registry.get(record.id) !== record) return;
          const refused = hub.registrations.keyCheck(record, (key) => maySubscribe(key, [...topics, ...filters]));
          if (refused !== null) {
            hub.noteRejected('forbidden');
            connection.sendError('forbidden', refused);
            return;
          }
          const before = record.topics;
          inside.deviceFilters.set(connection, filters);
          if (!hub.registrations.setTopics(record, topics)) return;
          hub.presence.watch(connection, connection.presence);
          this.announceTopics(record, before, record.topics);
          inside.emit(() => ({ type: 'topics', id: record.id, userId: record.userId, topics: [...record.topics] }));
          // What a subscribe brings: what was missed (asked with `since`), or the retained message.
          answerSubscribe(hub.engine, connection, topics, since);
        });
      },
      onPublish: (connection, request, echo) => publishFromDevice(hub, connection, request, echo),
      onWill: (connection, will) =>
        hub.wills.set(connection, willOwner(hub, connection), will === null ? null : deviceWill(will)),
      onSlowConsumer: (connection, bufferedBytes) => {
        const policy = hub.options.slowConsumerPolicy;
        const { id, userId, dropped } = connection.record;
        if (policy === 'drop') inside.totals.droppedMessages++;
        else inside.totals.slowConsumerCloses++;
        // One line per connection, not per dropped frame: the disconnect line gives the total.
        if (policy === 'close' || dropped === 0) {
          const conn = this.#connIds.get(connection);
          hub.log.warn({ conn, client: id, user: userId, bufferedBytes, policy }, 'slow consumer');
        }
        if (inside.firehose()) inside.emit(() => ({ type: 'slow-consumer', id, userId, bufferedBytes, policy }));
      },
      onClose: (connection, reason, code) => this.#onClose(connection, reason, code),
    };
  }

  /** The live device sockets. */
  get all(): ReadonlySet<Connection> {
    return this.#all;
  }

  /** Attaches an upgraded socket to a registration, replacing any older connection on it. */
  attach(
    id: string,
    ws: WebSocket,
    remoteAddress: string | undefined,
    format: DeliveryFormat,
    waitForSubscribe: boolean,
  ): Connection | null {
    const { registrations, options, log } = this.hub;
    const { registry, scheduler } = this.inside;
    const record = registry.get(id);
    if (!record) {
      // Unregistered while the upgrade was in flight.
      ws.close(CloseCode.unregistered, 'unregistered');
      return null;
    }
    record.link?.close(CloseCode.replaced, 'replaced');
    const connection = new Connection(
      ws,
      record,
      options,
      scheduler,
      this.#hooks,
      remoteAddress,
      format,
      waitForSubscribe,
    );
    record.link = connection;
    registrations.connected(record, connection.remoteAddress);
    this.#all.add(connection);
    const conn = ++this.#connSeq;
    this.#connIds.set(connection, conn);
    log.info({ conn, client: id, user: record.userId, remote: remoteAddress }, 'connected');
    const info = registrations.info(record);
    this.inside.emit(() => ({ type: 'connected', client: info }));
    this.announceTopics(record, [], record.topics);
    return connection;
  }

  /** One heartbeat round: terminate clients that missed the previous ping, ping the rest. */
  heartbeat(): void {
    for (const connection of this.#all) {
      if (!connection.isAlive) {
        this.inside.totals.heartbeatTerminations++;
        const { id, userId } = connection.record;
        this.hub.log.warn({ conn: this.#connIds.get(connection), client: id, user: userId }, 'heartbeat timeout');
        connection.terminate('heartbeat_timeout');
        continue;
      }
      connection.isAlive = false;
      connection.ws.ping();
    }
  }

  /** Join and leave events for a device whose live topics went from `before` to `after`. */
  announceTopics(record: { id: string; userId: number }, before: readonly string[], after: readonly string[]): void {
    const { presence } = this.hub;
    const client = presenceClient(record.id, record.userId, 'ws');
    for (const topic of before) if (!after.includes(topic)) presence.announce(topic, 'leave', client);
    for (const topic of after) if (!before.includes(topic)) presence.announce(topic, 'join', client);
  }

  #onClose(connection: Connection, reason: DisconnectReason, code: number): void {
    const { registrations, counters, log } = this.hub;
    this.#all.delete(connection);
    this.inside.deviceFilters.remove(connection);
    const { record } = connection;
    this.hub.presence.watch(connection, false);
    if (record.link === connection) {
      record.link = null;
      this.announceTopics(record, record.topics, []);
    }
    // Its last will, unless the device closed it itself (1000, or a close frame without a code).
    this.hub.wills.ended(connection, {
      reason,
      goodbye: reason === 'client_closed' && (code === 1000 || code === 1005),
    });
    registrations.disconnected(record, { reason, code });
    const key = `${reason} ${code}`;
    counters.disconnects.set(key, (counters.disconnects.get(key) ?? 0) + 1);
    const conn = this.#connIds.get(connection);
    log.info({ conn, client: record.id, user: record.userId, reason, code, dropped: record.dropped }, 'disconnected');
    this.inside.emit(() => ({ type: 'disconnected', id: record.id, userId: record.userId, reason, code }));
  }
}
