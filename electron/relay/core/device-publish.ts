/**
 * What a device may publish over its socket, and leave as its last will: the key's scope, the
 * hub's switch for socket publishing and the message size, checked before the hub publishes. The
 * will itself is held and published by the core's one implementation for every door
 * (`core/clients/wills.ts`).
 */
import type { ErrorCode, PublishReceipt } from '../../../shared/api';
import { mayPublish } from './access/access';
import type { Connection, DevicePublish } from './clients/connection';
import type { Registrations } from './clients/registrations';
import type { LastWill, WillOwner } from './clients/wills';
import type { Payload } from './history/types';
import type { PublishSource } from './hub-types';
import type { RelayOptions } from './options';

/** What the checks need of the hub. */
export interface DevicePublishHost {
  readonly options: RelayOptions;
  readonly registrations: Registrations;
  noteRejected(code: string): void;
  messageTooLarge(message: Payload): boolean;
  publish(
    topic: string,
    message: Payload,
    userId: number | undefined,
    source: PublishSource,
    retain: boolean,
  ): PublishReceipt | Promise<PublishReceipt>;
}

type Refusal = { code: ErrorCode; message: string };

/** A publish over the socket: published as the device's, or refused with an error code. */
export function publishFromDevice(
  hub: DevicePublishHost,
  connection: Connection,
  { topic, message, user_id: userId, retain }: DevicePublish,
  echo: boolean,
): PublishReceipt | Promise<PublishReceipt> | Refusal {
  const refused = hub.registrations.keyCheck(connection.record, (key) => mayPublish(key, topic));
  if (refused !== null) {
    hub.noteRejected('forbidden');
    return { code: 'forbidden', message: refused };
  }
  if (hub.messageTooLarge(message)) {
    hub.noteRejected('message_too_large');
    return {
      code: 'message_too_large',
      message: `message is larger than ${hub.options.maxMessageBytes} bytes (UTF-8)`,
    };
  }
  connection.record.published++;
  return hub.publish(topic, message, userId, { origin: 'device', from: connection, echo }, retain === true);
}

/**
 * A device's socket as the owner of its last will (see `core/clients/wills.ts`): checked as its
 * publishes are (the socket switch, its key's scope) when set, and published as one when it fires.
 */
export function willOwner(hub: DevicePublishHost, connection: Connection): WillOwner {
  const { record } = connection;
  return {
    id: record.id,
    userId: record.userId,
    check: ({ topic }) => {
      if (hub.options.devicePublish === 'deny') {
        return { code: 'forbidden', message: 'publishing over the socket is turned off on this hub' };
      }
      const refused = hub.registrations.keyCheck(record, (key) => mayPublish(key, topic));
      return refused === null ? null : { code: 'forbidden', message: refused };
    },
    publish: ({ topic, message, retain, userId }) =>
      publishFromDevice(
        hub,
        connection,
        { topic, message, retain, ...(userId === undefined ? {} : { user_id: userId }) },
        false,
      ),
  };
}

/** A will frame's publish as the hub keeps a will (QoS 0 for MQTT subscribers, like the device's publishes). */
export function deviceWill({ topic, message, retain, user_id: userId }: DevicePublish): LastWill {
  return { topic, message, retain: retain === true, qos: 0, ...(userId === undefined ? {} : { userId }) };
}

/** True when `message` is over `max` bytes in UTF-8 (measured only when it could be). */
export function overLimit(message: Payload, max: number): boolean {
  if (typeof message !== 'string') return message.length > max;
  // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: most messages need no measuring.
  if (message.length * 3 <= max) return false;
  return message.length > max || Buffer.byteLength(message) > max;
}
