/** What a client is built with: its options checked, and the WebSocket and fetch it uses. */
import type { FetchLike } from './hub-http';
import type { ConnectOptions, WebSocketConstructor } from './types';

/** Close codes after which a client stops for good: unregistered, replaced, its key revoked. */
export const stopCodes = { unregistered: 4000, replaced: 4001, revoked: 4003 } as const;

/** The WebSocket and fetch a client uses (given, or the platform's); throws a TypeError on bad options. */
export function implementationsOf(options: ConnectOptions): { WebSocket: WebSocketConstructor; fetch: FetchLike } {
  if (!Number.isSafeInteger(options.userId) || options.userId < 0) {
    throw new TypeError('userId must be a non-negative integer');
  }
  const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (WebSocket === undefined) {
    throw new TypeError(
      "no WebSocket here: pass one, e.g. connect({ ..., WebSocket }) with import WebSocket from 'ws'",
    );
  }
  const fetch = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (fetch === undefined) throw new TypeError('no fetch here: pass one with connect({ ..., fetch })');
  return { WebSocket, fetch };
}
