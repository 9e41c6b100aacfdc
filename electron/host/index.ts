/**
 * The operator's control plane, shared by the desktop app and the headless hub: the host that
 * runs a relay with its GUI feed, command handler, browser dashboard and settings. The only door
 * into `electron/host/`; it reaches the relay through `electron/relay/index.ts` alone.
 */
export {
  createHubHost,
  describeListenError,
  type HubHost,
  type HubHostOptions,
  type SettingsPersistence,
} from './host';
export type { HubFeed } from './feed/feed';
export type { CommandHandler } from './commands/commands';
export {
  createUpdateChecker,
  runUpdateCommand,
  unsupportedReason,
  type UpdateChecker,
  type UpdateFeed,
} from './updates';
