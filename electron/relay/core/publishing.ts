/**
 * One publication on its way out of this hub: to the devices of its topic (or of its user), to
 * the devices whose MQTT filters match it, to the doors' subscribers, and to the taps (webhooks);
 * and the `published` event the operator's GUI sees of it.
 */
import type { PublishReceipt } from '../../../shared/api';
import type { PublishOrigin, RelayEvent } from '../../../shared/hub';
import type { Connection } from './clients/connection';
import type { DeviceFilters } from './clients/device-filters';
import type { Delivery } from './clients/fanout';
import type { Registry } from './clients/registry';
import type { Subscribers } from './clients/subscribers';
import type { Publication } from './history/types';
import type { PublishSource } from './hub-types';

/** Everyone on this hub a publication may reach. */
export interface Recipients {
  readonly registry: Registry<Connection>;
  readonly deviceFilters: DeviceFilters;
  readonly doors: Subscribers;
  readonly taps: Subscribers;
  /** How many webhooks deep the publication the taps get now is (0 after). */
  setHop(hop: number): void;
}

/**
 * Delivers `delivery` to every recipient on this hub (only `userId`'s when targeted; the
 * publishing device or door client skipped unless it asked for an echo). Returns how many took
 * it and the bytes queued to them.
 */
export function fanOut(
  to: Recipients,
  delivery: Delivery,
  userId: number | undefined,
  from: PublishSource | undefined,
): { delivered: number; bytes: number } {
  const skip = from?.echo === true ? undefined : from?.from;
  let delivered = 0;
  let bytes = 0;
  for (const record of to.registry.recipients(delivery.topic, userId)) {
    const link = record.link;
    if (link === null || link === skip || !link.deliver(delivery)) continue;
    delivered++;
    bytes += delivery.frame(link.format).length;
  }
  to.deviceFilters.match(delivery.topic, userId, skip, (connection) => {
    if (!connection.deliver(delivery)) return;
    delivered++;
    bytes += delivery.frame(connection.format).length;
  });
  if (to.doors.size > 0) {
    const doorDelivered = to.doors.deliver(delivery, userId, from?.echo === true ? undefined : from?.subscriber);
    delivered += doorDelivered;
    bytes += doorDelivered * delivery.raw().length;
  }
  if (to.taps.size > 0) {
    to.setHop(from?.hop ?? 0);
    to.taps.deliver(delivery, undefined, undefined);
    to.setHop(0);
  }
  return { delivered, bytes };
}

/** The operator's `published` event of a publication. */
export function publishedEvent(
  publication: Publication,
  receipt: PublishReceipt,
  origin: PublishOrigin,
  clientId: string | null,
  bytes: number,
): RelayEvent {
  const { topic, userId, message } = publication;
  return {
    type: 'published',
    topic,
    userId: userId ?? null,
    bytes,
    receipt,
    origin,
    clientId,
    message,
    ...(publication.retain ? { retain: true as const } : {}),
  };
}
