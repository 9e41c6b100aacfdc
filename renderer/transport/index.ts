import { createDashboardTransport, dashboardOptionsFromPage } from './dashboard';
import { createIpcTransport, findBridge } from './ipc';
import type { Transport } from './types';

export type { LinkState, Transport } from './types';

/** Picks the transport for this page: Electron IPC when the preload bridge exists, else the admin WebSocket. */
export function createTransport(): Transport {
  const bridge = findBridge(window);
  return bridge !== null ? createIpcTransport(bridge) : createDashboardTransport(dashboardOptionsFromPage());
}
