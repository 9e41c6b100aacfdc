/** Helpers for tests of the device SDK: options for a hub on loopback, and waiting for a state. */
import WebSocket from 'ws';
import type { ClientState, ConnectOptions, RelayClient } from '../../client/index';

/** Options for an SDK client of the hub on 127.0.0.1:`port` (user 1, Node's `ws`). */
export function sdkOptions(port: number): ConnectOptions {
  return { hub: `http://127.0.0.1:${port}`, userId: 1, WebSocket };
}

/** Resolves when `client` is in `state` (at once if it is), rejects after `timeoutMs`. */
export function waitForState(client: RelayClient, state: ClientState, timeoutMs = 10_000): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`client still ${client.state} after ${timeoutMs} ms, waiting for ${state}`));
    }, timeoutMs);
    const off = client.on('state', (now) => {
      if (now !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Polls `check` every 10 ms until it holds; rejects after `timeoutMs` naming `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
