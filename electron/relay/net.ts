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
  return value !== undefined && hostHeaderPattern.test(value);
}
