/** The Settings form's pure logic: text drafts per field, what changed, and the sections it shows. */
import { settingsKeys, type HubSettings } from '../../shared/ipc';
import { settingFromText, settingToText } from '../../shared/settings';

/** A setting the form edits (the window toggle lives in the URL bar). */
export type FormKey = Exclude<keyof HubSettings, 'quitOnClose'>;

/** The text of every field. */
export type Drafts = Record<FormKey, string>;

/** The fields of the form, in order. */
export const formKeys: readonly FormKey[] = settingsKeys.filter((key): key is FormKey => key !== 'quitOnClose');

/** A group of fields. */
export interface SettingsSectionSpec {
  id: string;
  title: string;
  description: string;
  keys: readonly FormKey[];
}

/** The form's sections (the access token and the data dir have their own panels inside Access and Storage). */
export const settingsSections: readonly SettingsSectionSpec[] = [
  {
    id: 'network',
    title: 'Network',
    description: 'Where the hub listens and the address it gives devices.',
    keys: ['host', 'port', 'publicUrl', 'heartbeatIntervalMs'],
  },
  {
    id: 'access',
    title: 'Access',
    description: 'Who may use the hub.',
    keys: ['allowedOrigins'],
  },
  {
    id: 'limits',
    title: 'Limits',
    description: 'Sizes and counts; a request over a limit gets a clear error.',
    keys: [
      'maxMessageBytes',
      'maxBodyBytes',
      'maxPayloadBytes',
      'maxTopics',
      'maxTopicLength',
      'maxRegistrations',
      'maxConnections',
      'maxBufferedBytes',
      'slowConsumerPolicy',
      'slowConsumerGraceMs',
    ],
  },
  {
    id: 'rates',
    title: 'Rates',
    description: 'Per IP address; above the rate a request gets 429 with Retry-After. 0 turns a rate off.',
    keys: ['registerRatePerSec', 'registerBurst', 'publishRatePerSec', 'publishBurst'],
  },
  {
    id: 'tls',
    title: 'TLS',
    description: 'With both files the hub serves https and wss; leave both empty for plain http.',
    keys: ['tlsCertFile', 'tlsKeyFile'],
  },
  { id: 'storage', title: 'Storage', description: 'Where registrations are kept.', keys: ['expireIdleMs'] },
];

/** One-line help under each field. */
export const settingHints: Readonly<Record<FormKey, string>> = {
  host: '0.0.0.0: every network of this computer; 127.0.0.1: this computer only',
  port: '0 picks a free port',
  publicUrl: 'Empty: the address each device used. Set it behind a proxy or a DNS name',
  heartbeatIntervalMs: 'Milliseconds between pings; a client missing one is cut. 0: off',
  maxBodyBytes: 'Bytes per HTTP request body',
  maxPayloadBytes: 'Bytes per frame a device sends',
  maxMessageBytes: 'Bytes per published message',
  maxBufferedBytes: 'Bytes waiting for one slow client before the policy applies',
  slowConsumerPolicy: 'What happens to a client that cannot keep up',
  slowConsumerGraceMs: 'Milliseconds a closed slow client may keep its backlog',
  maxTopics: 'Topics one client may subscribe to',
  maxTopicLength: 'Characters in a topic name',
  maxRegistrations: 'Registrations the hub holds. 0: no limit',
  maxConnections: 'Live device sockets. 0: no limit',
  registerRatePerSec: 'Registrations per second from one address',
  registerBurst: 'Registrations one address may make at once',
  publishRatePerSec: 'Publishes per second from one address',
  publishBurst: 'Publishes one address may make at once',
  allowedOrigins: 'One per line, e.g. https://app.example. Empty: any. Devices (no Origin) always pass',
  tlsCertFile: 'Path on this computer, e.g. /etc/relay-hub/cert.pem',
  tlsKeyFile: 'Path of the matching private key',
  expireIdleMs: 'Milliseconds a registration may stay unconnected before it is removed. 0: never',
};

/** The text of every field for `settings`. */
export function draftsOf(settings: HubSettings): Drafts {
  const drafts: Partial<Drafts> = {};
  for (const key of formKeys) drafts[key] = settingToText(key, settings[key]);
  return drafts as Drafts;
}

/** The message under a field whose text is not a valid value, else undefined. */
export function draftError(key: FormKey, text: string): string | undefined {
  const parsed = settingFromText(key, text);
  return parsed.ok ? undefined : parsed.message;
}

/** The changed fields as a patch (only those), or the errors of the invalid ones. */
export function changesOf(
  drafts: Drafts,
  settings: HubSettings,
): { patch: Partial<HubSettings>; errors: Partial<Record<FormKey, string>> } {
  const patch: Record<string, unknown> = {};
  const errors: Partial<Record<FormKey, string>> = {};
  for (const key of formKeys) {
    const parsed = settingFromText(key, drafts[key]);
    if (!parsed.ok) errors[key] = parsed.message;
    else if (JSON.stringify(parsed.value) !== JSON.stringify(settings[key])) patch[key] = parsed.value;
  }
  return { patch: patch, errors };
}

/** True when every value of `patch` is what `settings` holds. */
export function applied(patch: Partial<HubSettings>, settings: HubSettings): boolean {
  return Object.entries(patch).every(
    ([key, value]) => JSON.stringify(value) === JSON.stringify(settings[key as keyof HubSettings]),
  );
}

/** Drafts after the hub's settings moved from `before` to `after`: untouched fields follow, edited ones stay. */
export function rebase(drafts: Drafts, before: HubSettings, after: HubSettings): Drafts {
  const next = { ...drafts };
  for (const key of formKeys) {
    if (drafts[key] === settingToText(key, before[key])) next[key] = settingToText(key, after[key]);
  }
  return next;
}

/** Drafts whose `keys` show what `settings` now hold (after a save: " 12 " becomes "12"). */
export function withSaved(drafts: Drafts, keys: readonly string[], settings: HubSettings): Drafts {
  const next = { ...drafts };
  for (const key of formKeys) if (keys.includes(key)) next[key] = settingToText(key, settings[key]);
  return next;
}
