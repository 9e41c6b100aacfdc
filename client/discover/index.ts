/**
 * `relay-hub/client/discover` (Node only): finds the hubs announcing themselves on the LAN over
 * mDNS / DNS-SD (`_relay-hub._tcp`, the headless hub's `--mdns`, on by default in the desktop app).
 *
 * ```ts
 * import { discover } from 'relay-hub/client/discover';
 * const [hub] = await discover({ timeoutMs: 2000 });
 * if (hub) connect({ hub: hub.url, userId: 1, WebSocket });
 * ```
 */
import { Bonjour, type Service } from 'bonjour-service';
import { mdnsServiceType } from '../../shared/version';

/** A hub found on the LAN. */
export interface DiscoveredHub {
  /** Its announced name, e.g. `Relay Hub on kitchen-pc`. */
  name: string;
  /** The base URL to give `connect()`: `http://` or `https://`, an address it answered from, its port. */
  url: string;
  host: string;
  port: number;
  /** Every address it announced (and the one its answer came from). */
  addresses: string[];
  /** Its version, whether it serves TLS, and whether registering needs a credential. */
  version: string | null;
  tls: boolean;
  auth: 'token' | 'open';
}

function hubOf(service: Service): DiscoveredHub {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const addresses = [...new Set([...(service.addresses ?? []), ...(service.referer ? [service.referer.address] : [])])];
  const ipv4 = addresses.find((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address));
  const host = ipv4 ?? addresses[0] ?? service.host;
  const tls = txt.tls === 'true';
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    name: service.name,
    url: `${tls ? 'https' : 'http'}://${shown}:${service.port}`,
    host,
    port: service.port,
    addresses,
    version: typeof txt.version === 'string' ? txt.version : null,
    tls,
    auth: txt.auth === 'token' ? 'token' : 'open',
  };
}

/** Listens for `timeoutMs` (default 2 s) and resolves with every hub that answered, by name. */
export function discover(options: { timeoutMs?: number } = {}): Promise<DiscoveredHub[]> {
  const bonjour = new Bonjour();
  const found = new Map<string, DiscoveredHub>();
  const browser = bonjour.find({ type: mdnsServiceType }, (service) => found.set(service.name, hubOf(service)));
  return new Promise((resolve) => {
    setTimeout(() => {
      browser.stop();
      bonjour.destroy(() => resolve([...found.values()]));
    }, options.timeoutMs ?? 2_000);
  });
}
