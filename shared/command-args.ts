/** Pure parsers for the GUI commands' arguments (IPC and dashboard), beside the HTTP ones in parse.ts. */
import type { HubSettings } from './ipc';
import { isClientId, type Parsed } from './parse';

const invalid = (message: string): { ok: false; code: 'invalid_body'; message: string } => ({
  ok: false,
  code: 'invalid_body',
  message,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): string | null {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? null : `unknown field ${JSON.stringify(extra)}`;
}

/** `getInit`: no argument (null or undefined). */
export function parseNoArg(value: unknown): Parsed<null> {
  return value === null || value === undefined ? { ok: true, value: null } : invalid('this command takes no argument');
}

/** `{id}` of `unregister`: a registration id (32 lowercase hex characters). */
export function parseIdArg(value: unknown): Parsed<{ id: string }> {
  if (!isRecord(value) || typeof value.id !== 'string' || !isClientId(value.id)) {
    return invalid('expected {"id": "<32 hex characters>"}');
  }
  return { ok: true, value: { id: value.id } };
}

/** A host to listen on: an IPv4/IPv6 literal or a hostname, at most 253 characters. */
export function isListenHost(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 253 &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(value)
  );
}

/** A TCP port: an integer from 0 (any free port) to 65535. */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

/** `{host, port}` of `restart`. */
export function parseRestartArg(value: unknown): Parsed<{ host: string; port: number }> {
  if (!isRecord(value)) return invalid('expected {"host": "0.0.0.0", "port": 8000}');
  const extra = onlyKeys(value, ['host', 'port']);
  if (extra !== null) return invalid(extra);
  if (!isListenHost(value.host)) return invalid('host must be an IP address or a hostname');
  if (!isPort(value.port)) return invalid('port must be an integer from 0 to 65535');
  return { ok: true, value: { host: value.host, port: value.port } };
}

/** `Partial<HubSettings>` of `setSettings`: known fields only, each valid. */
export function parseSettingsPatch(value: unknown): Parsed<Partial<HubSettings>> {
  if (!isRecord(value)) return invalid('expected an object like {"port": 8000}');
  const extra = onlyKeys(value, ['host', 'port', 'quitOnClose']);
  if (extra !== null) return invalid(extra);
  const patch: Partial<HubSettings> = {};
  if (value.host !== undefined) {
    if (!isListenHost(value.host)) return invalid('host must be an IP address or a hostname');
    patch.host = value.host;
  }
  if (value.port !== undefined) {
    if (!isPort(value.port)) return invalid('port must be an integer from 0 to 65535');
    patch.port = value.port;
  }
  if (value.quitOnClose !== undefined) {
    if (typeof value.quitOnClose !== 'boolean') return invalid('quitOnClose must be true or false');
    patch.quitOnClose = value.quitOnClose;
  }
  return { ok: true, value: patch };
}
