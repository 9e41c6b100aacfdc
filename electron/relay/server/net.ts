import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Every non-internal IPv4 address of this machine (what LAN devices can reach). */
export function lanIPv4Addresses(): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) found.push(entry.address);
    }
  }
  return found;
}

/** `host:port`, with IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for hosts that mean "every interface". */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The base URLs devices should use to reach a hub listening on `host:port` (`https://` with TLS). */
export function deviceBaseUrls(host: string, port: number, publicUrl: string | null, tls = false): string[] {
  if (publicUrl !== null) return [publicUrl];
  const scheme = tls ? 'https' : 'http';
  if (!isWildcardHost(host)) return [`${scheme}://${hostPort(host, port)}`];
  const lan = lanIPv4Addresses();
  const hosts = lan.length > 0 ? lan : ['127.0.0.1'];
  return hosts.map((address) => `${scheme}://${hostPort(address, port)}`);
}

const hostHeaderPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** True for a Host header that is a plain hostname or IP literal with an optional port. */
export function isValidHostHeader(value: string | undefined): value is string {
  if (value === undefined || !hostHeaderPattern.test(value)) return false;
  const close = value.lastIndexOf(']');
  const colon = value.lastIndexOf(':');
  // The port (if any) is a real port, and an IPv6 literal is a real address.
  if (colon > close && Number(value.slice(colon + 1)) > 65_535) return false;
  return close === -1 || isIPv6(value.slice(1, close));
}
