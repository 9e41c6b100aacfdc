/**
 * The MQTT clients' last wills, held and published by the core with every door's
 * (`core/clients/wills.ts`): one implementation. The will is taken out of the CONNECT before aedes
 * reads it, so aedes never holds, stores or publishes one; it is handed to the core with the
 * CONNACK, and the end of each connection is told to the core in its words (a DISCONNECT is the
 * client's goodbye; a keep-alive timeout, a cut socket or a protocol error are not; a takeover by
 * a connection with the same client id resumes the session or starts afresh).
 */
import type { Client, ConnectPacket } from 'aedes';
import type { DisconnectReason } from '../../../../shared/api';
import type { MqttClientInfo } from '../../../../shared/hub';
import type { ConnectionEnd, LastWill, WillOwner, Wills } from '../../core/clients/wills';
import { mqttCode } from './codes';
import { textOrBytes } from './wire';

/** The close code the operator sees for an MQTT connection that ended for `reason`. */
function mqttCodeOf(reason: DisconnectReason): number {
  switch (reason) {
    case 'heartbeat_timeout':
      return mqttCode.keepalive;
    case 'client_closed':
    case 'replaced':
      return mqttCode.normal;
    case 'revoked':
      return mqttCode.revoked;
    case 'slow_consumer':
      return mqttCode.slow;
    case 'unregistered':
      return mqttCode.unregistered;
    case 'shutdown':
    case 'error':
      return mqttCode.error;
  }
}

export class MqttWills {
  /** Wills taken from a CONNECT, until its CONNACK. */
  readonly #pending = new WeakMap<Client, LastWill>();
  /** Connections taken over by a newer one with their client id: does the newer one start afresh? */
  readonly #replaced = new WeakMap<Client, boolean>();

  constructor(private readonly wills: Wills) {}

  /** aedes' `preConnect`: takes the will out of the CONNECT before aedes reads it. */
  take(client: Client, packet: ConnectPacket): void {
    const will = packet.will;
    if (will === undefined || will === null) return;
    const { topic, qos = 0, retain = false } = will;
    this.#pending.set(client, { topic, message: textOrBytes(will.payload), qos, retain });
    delete packet.will;
  }

  /** The CONNACK is sent: the will goes to the core. Returns what the operator sees of it (null: none, or refused). */
  connected(client: Client, owner: WillOwner): MqttClientInfo['will'] {
    const will = this.#pending.get(client);
    if (will === undefined) return null;
    this.#pending.delete(client);
    if (this.wills.set(client, owner, will) !== null) return null;
    return { topic: will.topic, qos: will.qos, retain: will.retain };
  }

  /** `older` is taken over by a newer connection with its client id; `fresh`: the newer one does not resume its session. */
  replaced(older: Client, fresh: boolean): void {
    this.#replaced.set(older, fresh);
  }

  /**
   * `client`'s connection ended (`closing`: the hub's reason, when the hub closed it): the core
   * publishes or drops its will; returns the end for the operator.
   */
  ended(client: Client, closing: DisconnectReason | null, timedOut: boolean): ConnectionEnd & { code: number } {
    const goodbye = (client as unknown as { _disconnected: boolean })._disconnected;
    const fresh = this.#replaced.get(client);
    const reason: DisconnectReason =
      closing ??
      (timedOut ? 'heartbeat_timeout' : goodbye ? 'client_closed' : fresh !== undefined ? 'replaced' : 'error');
    const end = { reason, goodbye, fresh: fresh === true, code: mqttCodeOf(reason) };
    this.wills.ended(client, end);
    return end;
  }
}
