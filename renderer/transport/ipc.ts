import { bridgeKey, type RelayHubBridge } from '../../shared/bridge';
import type { CommandArg, CommandName, CommandResult } from '../../shared/ipc';
import { type LinkState, type Transport, unavailable } from './types';

/** The Electron bridge exposed by the preload, when this page runs in the desktop app. */
export function findBridge(scope: object = globalThis): RelayHubBridge | null {
  const candidate = (scope as Record<string, unknown>)[bridgeKey];
  return typeof candidate === 'object' && candidate !== null ? (candidate as RelayHubBridge) : null;
}

/** A transport over Electron IPC: always open, no token. */
export function createIpcTransport(bridge: RelayHubBridge): Transport {
  const open: LinkState = { kind: 'open' };
  return {
    saves: 'file',
    async call<K extends CommandName>(name: K, arg: CommandArg<K>): Promise<CommandResult<K>> {
      const method = bridge[name] as (arg: CommandArg<K>) => Promise<CommandResult<K>>;
      try {
        return await method(arg);
      } catch (error) {
        return unavailable((error as Error).message);
      }
    },
    onUpdate: (fn) => bridge.onUpdate(fn),
    onLink(fn) {
      fn(open);
      return () => {};
    },
    setToken() {},
    close() {},
  };
}
