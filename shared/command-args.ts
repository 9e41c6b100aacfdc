/** Pure parsers for the GUI commands' arguments (IPC and dashboard), beside the HTTP ones in parse.ts. */
import { settingsKeys, type HubSettings } from './ipc';
import { isClientId, type Parsed } from './parse';
import { accessTokenProblem, isListenHost } from './options';
import { settingProblem } from './settings';

export { isListenHost } from './options';

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

/** `Partial<HubSettings>` of `setSettings`: known fields only, each structurally valid (the relay checks the rest). */
export function parseSettingsPatch(value: unknown): Parsed<Partial<HubSettings>> {
  if (!isRecord(value)) return invalid('expected an object like {"port": 8000}');
  const extra = onlyKeys(value, settingsKeys);
  if (extra !== null) return invalid(extra);
  const patch: Record<string, unknown> = {};
  for (const key of settingsKeys) {
    if (value[key] === undefined) continue;
    const problem = settingProblem(key, value[key]);
    if (problem !== null) return invalid(problem);
    patch[key] = Array.isArray(value[key]) ? [...(value[key] as unknown[])] : value[key];
  }
  return { ok: true, value: patch };
}

/** `{token}` of `setAccessToken`: a valid access token, or null to open the hub. */
export function parseTokenArg(value: unknown): Parsed<{ token: string | null }> {
  if (!isRecord(value) || !('token' in value))
    return invalid('expected {"token": "<16+ characters>"} or {"token": null}');
  const extra = onlyKeys(value, ['token']);
  if (extra !== null) return invalid(extra);
  if (value.token === null) return { ok: true, value: { token: null } };
  if (typeof value.token !== 'string') return invalid('token must be a string or null');
  const problem = accessTokenProblem(value.token);
  return problem === null ? { ok: true, value: { token: value.token } } : invalid(problem);
}

/** Longest chunk one `exportWrite` carries (characters). */
export const maxExportChunkChars = 4 * 1024 * 1024;

/** A file name the save dialog may suggest: a plain name (no folder) ending in .ndjson or .csv. */
export function isExportFileName(value: unknown): value is string {
  return typeof value === 'string' && /^[\w][\w. -]{0,118}\.(ndjson|csv)$/.test(value);
}

/** `{suggestedName}` of `exportBegin`. */
export function parseExportBeginArg(value: unknown): Parsed<{ suggestedName: string }> {
  if (!isRecord(value) || !isExportFileName(value.suggestedName)) {
    return invalid('expected {"suggestedName": "<name>.ndjson" or "<name>.csv"} (a file name, no folder)');
  }
  const extra = onlyKeys(value, ['suggestedName']);
  return extra === null ? { ok: true, value: { suggestedName: value.suggestedName } } : invalid(extra);
}

/** An export handle: what `exportBegin` answered. */
function isExportHandle(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

/** `{handle, chunk}` of `exportWrite`. */
export function parseExportWriteArg(value: unknown): Parsed<{ handle: string; chunk: string }> {
  if (!isRecord(value) || !isExportHandle(value.handle) || typeof value.chunk !== 'string') {
    return invalid('expected {"handle": "<from exportBegin>", "chunk": "<text>"}');
  }
  if (value.chunk.length > maxExportChunkChars)
    return invalid(`a chunk holds at most ${maxExportChunkChars} characters`);
  const extra = onlyKeys(value, ['handle', 'chunk']);
  return extra === null ? { ok: true, value: { handle: value.handle, chunk: value.chunk } } : invalid(extra);
}

/** `{handle, abort}` of `exportEnd`. */
export function parseExportEndArg(value: unknown): Parsed<{ handle: string; abort: boolean }> {
  if (!isRecord(value) || !isExportHandle(value.handle) || typeof value.abort !== 'boolean') {
    return invalid('expected {"handle": "<from exportBegin>", "abort": false}');
  }
  const extra = onlyKeys(value, ['handle', 'abort']);
  return extra === null ? { ok: true, value: { handle: value.handle, abort: value.abort } } : invalid(extra);
}
