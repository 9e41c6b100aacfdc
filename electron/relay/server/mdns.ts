/**
 * Announcing the hub on its LAN over mDNS / DNS-SD (`_relay-hub._tcp`), so devices find it without
 * typing an address. TXT: `version`, `tls` (`true`/`false`), `auth` (`token`: registering needs the
 * access token or a device key; `open`: it does not). bonjour-service (pure JavaScript over
 * multicast-dns) both announces here and browses in the SDK's `discover()`.
 */
import { hostname } from 'node:os';
import { Bonjour, type Service } from 'bonjour-service';
import { mdnsServiceType, relayHubVersion } from '../../../shared/version';

/** What a hub announces. */
export interface Announcement {
  port: number;
  tls: boolean;
  /** Registering needs a credential (the access token or a device key). */
  tokenRequired: boolean;
}

/** A running announcement; `stop()` sends the goodbye and closes the socket. */
export interface Announcer {
  /** Changes the TXT record (the token was set or removed). */
  update(announcement: Announcement): void;
  stop(): Promise<void>;
}

const txtOf = ({ tls, tokenRequired }: Announcement): Record<string, string> => ({
  version: relayHubVersion,
  tls: String(tls),
  auth: tokenRequired ? 'token' : 'open',
});

/** Starts announcing; errors (no multicast route, port 5353 taken) go to `onError`, never throw. */
export function announce(announcement: Announcement, onError: (error: Error) => void): Announcer {
  const bonjour = new Bonjour(undefined, (error: Error) => onError(error));
  const name = `Relay Hub on ${hostname()}`;
  let current = announcement;
  let service: Service = bonjour.publish({ name, type: mdnsServiceType, port: current.port, txt: txtOf(current) });
  service.on('error', onError);
  return {
    update(next) {
      if (JSON.stringify(txtOf(next)) === JSON.stringify(txtOf(current)) && next.port === current.port) return;
      current = next;
      // bonjour-service cannot change a TXT record in place: say goodbye, then announce anew.
      const old = service as unknown as { stop: (done: () => void) => void };
      old.stop(() => undefined);
      service = bonjour.publish({ name, type: mdnsServiceType, port: next.port, txt: txtOf(next) });
      service.on('error', onError);
    },
    stop: () =>
      new Promise((resolve) => {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      }),
  };
}
