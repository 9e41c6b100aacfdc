/**
 * What a device may publish over its socket, and leave as its last will: the key's scope, the
 * hub's switch for socket publishing and the message size, checked before the hub publishes.
 */
import type { ErrorCode, PublishReceipt } from '../../../shared/api';
import { mayPublish } from './access/access';
import type { Connection, DevicePublish } from './clients/connection';
import type { Registrations } from './clients/registrations';
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

/** A will frame: sets (or clears, null) the device's last will, or says why it may not have it. */
export function setWill(hub: DevicePublishHost, connection: Connection, will: DevicePublish | null): Refusal | null {
  if (will === null) {
    connection.will = null;
    return null;
  }
  const refused = hub.registrations.keyCheck(connection.record, (key) => mayPublish(key, will.topic));
  if (hub.options.devicePublish === 'deny') {
    return { code: 'forbidden', message: 'publishing over the socket is turned off on this hub' };
  }
  if (refused !== null) return { code: 'forbidden', message: refused };
  if (hub.messageTooLarge(will.message)) {
    return { code: 'message_too_large', message: `message is larger than ${hub.options.maxMessageBytes} bytes` };
  }
  connection.will = will;
  return null;
}

/** True when `message` is over `max` bytes in UTF-8 (measured only when it could be). */
export function overLimit(message: Payload, max: number): boolean {
  if (typeof message !== 'string') return message.length > max;
  // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: most messages need no measuring.
  if (message.length * 3 <= max) return false;
  return message.length > max || Buffer.byteLength(message) > max;
}
