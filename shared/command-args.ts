/** Pure parsers for the GUI commands' arguments (IPC and dashboard), beside the HTTP ones in parse.ts. */
import { settingsKeys, type GuiPublishRequest, type HubSettings } from './ipc';
import { parseCreateKey, parsePairRequest, type DeviceKeyScope } from './keys';
import { defaultTopicLimits, type TopicLimits } from './limits';
import { isClientId, isRecord, parsePublishRequest, parseTopic, type Parsed } from './parse';
import { accessTokenProblem, isListenHost } from './options';
import { settingProblem } from './settings';

export { isListenHost } from './options';

const invalid = (message: string): { ok: false; code: 'invalid_body'; message: string } => ({
  ok: false,
  code: 'invalid_body',
  message,
});

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): string | null {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? null : `unknown field ${JSON.stringify(extra)}`;
}

/** `getInit`: no argument (null or undefined). */
export function parseNoArg(value: unknown): Parsed<null> {
  return value === null || value === undefined ? { ok: true, value: null } : invalid('this command takes no argument');
}

/** `{watch}` of `watchTopics`: true to start the topic tree's updates, false to stop them. */
export function parseWatchTopicsArg(value: unknown): Parsed<{ watch: boolean }> {
  if (!isRecord(value) || typeof value.watch !== 'boolean') return invalid('expected {"watch": true | false}');
  return { ok: true, value: { watch: value.watch } };
}

/** `{id}` of `nextClientPage` and `nextTopicPage`: a paged snapshot's id (a positive integer). */
export function parsePagingIdArg(value: unknown): Parsed<{ id: number }> {
  if (!isRecord(value) || !Number.isSafeInteger(value.id) || (value.id as number) < 1) {
    return invalid('expected {"id": <a positive integer>}');
  }
  return { ok: true, value: { id: value.id as number } };
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

/** Standard base64 (RFC 4648 §4, padded), as `btoa` writes it. */
export function isBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value);
}

/** `publish` from the GUI: a `POST /publish` body plus `encoding` (`base64`: the message is bytes). */
export function parseGuiPublish(value: unknown, limits: TopicLimits = defaultTopicLimits): Parsed<GuiPublishRequest> {
  if (!isRecord(value)) return parsePublishRequest(value, limits);
  const { encoding, qos, ...body } = value;
  if (encoding !== undefined && encoding !== 'text' && encoding !== 'base64') {
    return invalid('encoding must be "text" or "base64"');
  }
  if (qos !== undefined && qos !== 0 && qos !== 1 && qos !== 2) return invalid('qos must be 0, 1 or 2');
  const parsed = parsePublishRequest(body, limits);
  if (!parsed.ok) return parsed;
  const request: GuiPublishRequest = qos === undefined ? parsed.value : { ...parsed.value, qos };
  if (encoding !== 'base64') return { ok: true, value: request };
  if (!isBase64(parsed.value.message)) {
    return { ok: false, code: 'invalid_message', message: 'message must be base64 when encoding is "base64"' };
  }
  return { ok: true, value: { ...request, encoding } };
}

/** `createKey`: a `POST /keys` body (`now` turns `expires_in_ms` into a time). */
export function parseCreateKeyArg(value: unknown, now: number): Parsed<DeviceKeyScope> {
  if (!isRecord(value)) return parseCreateKey(value, now);
  const extra = onlyKeys(value, ['name', 'users', 'subscribe', 'publish', 'expires_in_ms']);
  return extra === null ? parseCreateKey(value, now) : invalid(extra);
}

/** `pairDevice`: a `POST /pair` body plus the device URL the link uses (`base`, checked by the host). */
export function parsePairDeviceArg(
  value: unknown,
  now: number,
): Parsed<{ scope: DeviceKeyScope; base: string | null }> {
  if (!isRecord(value)) return invalid('expected {"name", "user_id": 1, "subscribe": ["chat"], "publish"?, "base"?}');
  const extra = onlyKeys(value, ['name', 'user_id', 'subscribe', 'publish', 'expires_in_ms', 'base']);
  if (extra !== null) return invalid(extra);
  if (value.base !== undefined && typeof value.base !== 'string') return invalid('base must be one of the hub URLs');
  const scope = parsePairRequest(value, now);
  if (!scope.ok) return scope;
  return { ok: true, value: { scope: scope.value, base: value.base ?? null } };
}

/** `{id}` of `revokeKey`: a device key's id (8 hex characters). */
export function parseKeyIdArg(value: unknown): Parsed<{ id: string }> {
  if (!isRecord(value) || typeof value.id !== 'string' || !/^[0-9a-f]{8}$/.test(value.id)) {
    return invalid('expected {"id": "<8 hex characters>"}');
  }
  return { ok: true, value: { id: value.id } };
}

/** `{disconnectedForMs}` of `removeDisconnected`: a whole number of milliseconds, 0 for every disconnected one. */
export function parseRemoveDisconnectedArg(value: unknown): Parsed<{ disconnectedForMs: number }> {
  const ms = isRecord(value) ? value.disconnectedForMs : undefined;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
    return invalid('expected {"disconnectedForMs": <whole milliseconds, 0 or more>}');
  }
  return { ok: true, value: { disconnectedForMs: ms } };
}

/** `{topic}` of `clearRetained` and `clearHistory`. */
export function parseTopicArg(value: unknown, limits: TopicLimits = defaultTopicLimits): Parsed<{ topic: string }> {
  if (!isRecord(value)) return invalid('expected {"topic": "<topic>"}');
  const topic = parseTopic(value.topic, limits);
  return topic.ok ? { ok: true, value: { topic: topic.value } } : topic;
}

/** Most messages one `getHistory` answers (as `GET /history`). */
export const maxHistoryLimit = 1_000;

/** `{topic, since?, limit?}` of `getHistory`: since an offset (default 0), limit 1 to 1,000 (default 100). */
export function parseHistoryArg(
  value: unknown,
  limits: TopicLimits = defaultTopicLimits,
): Parsed<{ topic: string; since: number; limit: number }> {
  if (!isRecord(value)) return invalid('expected {"topic": "<topic>", "since"?: 0, "limit"?: 100}');
  const topic = parseTopic(value.topic, limits);
  if (!topic.ok) return topic;
  const { since = 0, limit = 100 } = value;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    return invalid('since must be an offset (a whole number)');
  }
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > maxHistoryLimit) {
    return invalid(`limit must be a whole number from 1 to ${maxHistoryLimit}`);
  }
  return { ok: true, value: { topic: topic.value, since, limit } };
}
