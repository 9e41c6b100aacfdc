/** What the feed says of the hub beside its clients: how open it is, its config, its cluster. */
import type { ClusterInfo } from '../../../shared/hub';
import type { HubConfig, HubSecurity } from '../../../shared/ipc';
import { settingsOf } from '../settings';
import type { Relay } from '../../relay/index';

/** How open the hub is, from its current options (updates follow token rotations at once). */
export function securityOf(options: Relay['options']): HubSecurity {
  return {
    tokenRequired: options.accessToken !== null,
    originsRestricted: options.allowedOrigins !== null,
    tls: options.tlsCertFile !== null && options.tlsKeyFile !== null,
  };
}

/** The config of a feed created without one (unit tests): the relay's options, not saved. */
export function fallbackConfig(options: Relay['options']): HubConfig {
  return {
    settings: { ...settingsOf(options), quitOnClose: false, checkForUpdates: false },
    persisted: false,
    dataDir: options.dataDir,
    tokenFile: null,
    savedPayloads: [],
  };
}

/** `{cluster}` for a hub in a cluster, else nothing. */
export function clusterOf(relay: Relay): { cluster?: ClusterInfo } {
  const cluster = relay.cluster();
  return cluster === null ? {} : { cluster };
}
