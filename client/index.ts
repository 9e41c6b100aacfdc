/**
 * Relay Hub's device SDK (`relay-hub/client`): a reconnecting client for browsers (no dependency)
 * and Node ≥ 20 (pass `ws` as `WebSocket`).
 *
 * ```ts
 * import { connect } from 'relay-hub/client';
 * const device = connect({ hub: 'http://192.168.1.20:8000', userId: 1, topics: ['cats'] });
 * device.on('message', ({ topic, message }) => console.log(topic, message));
 * await device.publish('cats', 'hello');
 * ```
 */
import { RelayClient } from './client';
import type { ConnectOptions } from './types';

export { RelayClient } from './client';
export {
  RelayError,
  type ClientEvents,
  type ClientState,
  type ConnectOptions,
  type DeviceMessage,
  type RecoveryResults,
  type WebSocketConstructor,
  type WebSocketLike,
} from './types';
export { backoffDelay, type BackoffOptions } from './backoff';
export type { OutboxOptions } from './outbox';
export type { Will } from './will';
export type { FetchLike } from './hub-http';

/** Connects a device to a hub: registers (or reuses `id`), opens the socket, and keeps it open. */
export function connect(options: ConnectOptions): RelayClient {
  return new RelayClient(options);
}
