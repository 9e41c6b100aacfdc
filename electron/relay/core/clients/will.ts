/**
 * A device's last will (MQTT's idea, for WebSocket devices): a publish it leaves with the hub,
 * made for it when its connection ends in any way but a normal close from the device (1000, or a
 * close frame without a code).
 */
import type { DisconnectReason } from '../../../../shared/api';

/**
 * True when a connection that ended for `reason` with `code` leaves its will behind: a crash or a
 * cut network (a close without 1000), a dead heartbeat, a slow consumer, a protocol error. The hub's
 * own ends (unregistered, replaced by a newer socket, shutdown, a revoked key) do not.
 */
export function willFires(reason: DisconnectReason, code: number): boolean {
  switch (reason) {
    case 'client_closed':
      // 1005: a close frame without a code (a browser's plain `ws.close()`): the device's own close too.
      return code !== 1000 && code !== 1005;
    case 'error':
    case 'heartbeat_timeout':
    case 'slow_consumer':
      return true;
    case 'unregistered':
    case 'replaced':
    case 'shutdown':
    case 'revoked':
      return false;
  }
}
