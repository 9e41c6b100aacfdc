/**
 * The operator settings' pure rules, shared by the command parser (IPC, dashboard), the desktop
 * settings file and the Settings form: one spec per field (label, kind, bounds), the structural
 * check of a value, and the text ↔ value conversion of the form's inputs.
 */
import type { HubSettings } from './ipc';

/** What kind of value a setting holds. */
export type SettingKind =
  | { type: 'host' }
  | { type: 'integer'; min: number; max: number; unit?: 'bytes' | 'ms' | 'per second' }
  | { type: 'optionalText'; maxLength: number; example: string }
  | { type: 'origins' }
  | { type: 'policy' }
  | { type: 'boolean' };

/** A setting: its label in the GUI and its kind. */
export interface SettingSpec {
  label: string;
  kind: SettingKind;
}

const anyInteger = Number.MAX_SAFE_INTEGER;
const int = (min: number, unit?: 'bytes' | 'ms' | 'per second', max = anyInteger): SettingKind =>
  unit === undefined ? { type: 'integer', min, max } : { type: 'integer', min, max, unit };

/** Every setting, by field name. */
export const settingSpecs: { readonly [K in keyof HubSettings]: SettingSpec } = {
  host: { label: 'Listen on', kind: { type: 'host' } },
  port: { label: 'Port', kind: int(0, undefined, 65_535) },
  publicUrl: { label: 'Public URL', kind: { type: 'optionalText', maxLength: 2048, example: 'http://hub.local:8000' } },
  heartbeatIntervalMs: { label: 'Heartbeat interval', kind: int(0, 'ms') },
  maxBodyBytes: { label: 'Max request body', kind: int(1, 'bytes') },
  maxPayloadBytes: { label: 'Max socket frame', kind: int(1, 'bytes') },
  maxMessageBytes: { label: 'Max message', kind: int(1, 'bytes') },
  maxBufferedBytes: { label: 'Max backlog per client', kind: int(1, 'bytes') },
  slowConsumerPolicy: { label: 'Slow consumers', kind: { type: 'policy' } },
  slowConsumerGraceMs: { label: 'Grace before cutting', kind: int(0, 'ms') },
  maxTopics: { label: 'Max topics per client', kind: int(1) },
  maxTopicLength: { label: 'Max topic length', kind: int(1) },
  maxRegistrations: { label: 'Max registrations', kind: int(0) },
  maxConnections: { label: 'Max connections', kind: int(0) },
  registerRatePerSec: { label: 'Registrations per IP', kind: int(0, 'per second') },
  registerBurst: { label: 'Registration burst', kind: int(1) },
  publishRatePerSec: { label: 'Publishes per IP', kind: int(0, 'per second') },
  publishBurst: { label: 'Publish burst', kind: int(1) },
  allowedOrigins: { label: 'Allowed browser origins', kind: { type: 'origins' } },
  tlsCertFile: { label: 'Certificate file (PEM)', kind: { type: 'optionalText', maxLength: 4096, example: '' } },
  tlsKeyFile: { label: 'Private key file (PEM)', kind: { type: 'optionalText', maxLength: 4096, example: '' } },
  expireIdleMs: { label: 'Expire idle registrations after', kind: int(0, 'ms') },
  quitOnClose: { label: 'Quit when the window closes', kind: { type: 'boolean' } },
};

/** A host to listen on: an IPv4/IPv6 literal or a hostname, at most 253 characters. */
export function isListenHost(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 253 &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(value)
  );
}

/** True for an access token the hub accepts: 16+ visible ASCII characters, no spaces (as `resolveOptions`). */
export function isAccessToken(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{16,}$/.test(value);
}

/** Why `token` cannot be an access token, or null when it can. */
export function accessTokenProblem(token: string): string | null {
  if (/^[\x21-\x7e]{16,}$/.test(token)) return null;
  return token.length < 16
    ? `an access token needs at least 16 characters (this one has ${token.length})`
    : 'an access token may contain only visible ASCII characters, no spaces';
}

const maxOrigins = 100;

/** Null when `value` is structurally valid for setting `key`, else a message naming the setting. */
export function settingProblem(key: keyof HubSettings, value: unknown): string | null {
  const { label, kind } = settingSpecs[key];
  switch (kind.type) {
    case 'host':
      return isListenHost(value) ? null : `${label} must be an IP address or a hostname`;
    case 'integer': {
      const ok = typeof value === 'number' && Number.isInteger(value) && value >= kind.min && value <= kind.max;
      if (ok) return null;
      return kind.max === anyInteger
        ? `${label} must be a whole number of at least ${kind.min}`
        : `${label} must be a whole number from ${kind.min} to ${kind.max}`;
    }
    case 'optionalText':
      if (value === null) return null;
      return typeof value === 'string' &&
        value.trim() !== '' &&
        value.length <= kind.maxLength &&
        value === value.trim()
        ? null
        : `${label} must be empty or a text of at most ${kind.maxLength} characters without surrounding spaces`;
    case 'origins':
      if (value === null) return null;
      if (!Array.isArray(value) || value.length === 0 || value.length > maxOrigins) {
        return `${label} must be empty (any origin) or a list of 1 to ${maxOrigins} origins`;
      }
      return value.every((origin) => typeof origin === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\S{1,2000}$/i.test(origin))
        ? null
        : `${label} must list origins like https://app.example`;
    case 'policy':
      return value === 'close' || value === 'drop' ? null : `${label} must be "close" or "drop"`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${label} must be true or false`;
  }
}

/** A settings value as the form's text input shows it. */
export function settingToText(key: keyof HubSettings, value: HubSettings[keyof HubSettings]): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join('\n');
  if (key === 'quitOnClose') return value === true ? 'true' : 'false';
  return String(value);
}

/** The value a form's text means for setting `key` (blank optional fields mean null), or the problem. */
export function settingFromText(
  key: keyof HubSettings,
  text: string,
): { ok: true; value: HubSettings[keyof HubSettings] } | { ok: false; message: string } {
  const { kind } = settingSpecs[key];
  const trimmed = text.trim();
  let value: unknown;
  switch (kind.type) {
    case 'integer':
      value = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      break;
    case 'optionalText':
      value = trimmed === '' ? null : trimmed;
      break;
    case 'origins': {
      const lines = trimmed
        .split(/[\s,]+/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      value = lines.length === 0 ? null : lines;
      break;
    }
    case 'boolean':
      value = trimmed === 'true';
      break;
    case 'host':
    case 'policy':
      value = trimmed;
      break;
  }
  const problem = settingProblem(key, value);
  return problem === null
    ? { ok: true, value: value as HubSettings[keyof HubSettings] }
    : { ok: false, message: problem };
}
