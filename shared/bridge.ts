/**
 * The API the Electron preload exposes to the renderer as `window.relayHub`: one named method
 * per command (never a generic invoke) plus `onUpdate` for the hub's coalesced pushes.
 */
import type { CommandArg, CommandName, CommandResult, HubUpdate } from './ipc';

/** Global name under which the preload exposes the bridge (`window.relayHub`). */
export const bridgeKey = 'relayHub';

/** One method per command: `getInit(null)`, `register({user_id})`, `publish({topic, message})`, … */
export type RelayHubCommandMethods = {
  readonly [K in CommandName]: (arg: CommandArg<K>) => Promise<CommandResult<K>>;
};

/** The bridge: the command methods plus a subscription to pushes; `onUpdate` returns its unsubscribe. */
export type RelayHubBridge = RelayHubCommandMethods & {
  readonly onUpdate: (listener: (update: HubUpdate) => void) => () => void;
};
