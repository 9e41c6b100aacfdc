/**
 * A publish from an MQTT client — a PUBLISH, or its last will when the core publishes it (see
 * `wills.ts`) — checked the same way each time (a topic MQTT may publish on, the key's scope, the
 * message size), counted on its session, then the hub's one publish: history, retained message,
 * every door's subscribers.
 */
import type { PublishReceipt } from '../../../../shared/api';
import type { DeviceKeyInfo } from '../../../../shared/keys';
import { hasWildcard } from '../../../../shared/topic-filter';
import { mayPublish } from '../../core/access/access';
import type { WillOwner, WillRefusal } from '../../core/clients/wills';
import type { Payload } from '../../core/history/types';
import type { Hub } from '../../core/hub';
import type { Qos } from './codes';
import type { MqttSession } from './session';
import type { Identity } from './wire';

/** Why a client with `key` (null: the access token's, or an open hub) may not publish `message` on `topic`, or null. */
export function mqttRefusal(hub: Hub, key: DeviceKeyInfo | null, topic: string, message: Payload): WillRefusal | null {
  if (topic.startsWith('$') || topic.length > hub.options.maxTopicLength || hasWildcard(topic)) {
    return { code: 'invalid_topic', message: `cannot publish on "${topic.slice(0, 64)}"` };
  }
  const refused = mayPublish(key, topic);
  if (refused !== null) return { code: 'forbidden', message: refused };
  if (hub.messageTooLarge(message)) return { code: 'message_too_large', message: 'MQTT message too large' };
  return null;
}

/**
 * Publishes as the client of `session` (counted on it). MQTT has no "no local" before v5: a client
 * subscribed to what it publishes gets it back.
 */
export function publishAsMqtt(
  hub: Hub,
  session: MqttSession | undefined,
  topic: string,
  message: Payload,
  qos: Qos,
  retain: boolean,
): PublishReceipt | Promise<PublishReceipt> {
  if (session !== undefined) session.published++;
  const source = { origin: 'mqtt' as const, qos, echo: true, ...(session ? { subscriber: session } : {}) };
  return hub.publish(topic, message, undefined, source, retain);
}

/**
 * The client `clientId` (of `identity`) as the owner of its will (see `core/clients/wills.ts`):
 * checked as its PUBLISHes are (the rate limit aside) when set and when it fires, then published as
 * one of them, counted on its session.
 */
export function mqttWillOwner(
  hub: Hub,
  clientId: string,
  { key, userId }: Identity,
  session: () => MqttSession | undefined,
): WillOwner {
  return {
    id: `mqtt:${clientId}`,
    userId,
    check: ({ topic, message }) => mqttRefusal(hub, key, topic, message),
    publish: ({ topic, message, qos, retain }) => publishAsMqtt(hub, session(), topic, message, qos, retain),
  };
}
