/** The Settings form's pure logic: text drafts per field, what changed, and the sections it shows. */
import { settingsKeys, type HubSettings } from '../../shared/ipc';
import { settingsSectionIds, type SettingsSectionId } from '../../shared/options';
import { settingFromText, settingSpecs, settingToText } from '../../shared/settings';

/** A setting the form edits (the window toggle lives in the URL bar). */
export type FormKey = Exclude<keyof HubSettings, 'quitOnClose' | 'checkForUpdates'>;

/** The text of every field. */
export type Drafts = Record<FormKey, string>;

/** The fields of the form, in order. */
export const formKeys: readonly FormKey[] = settingsKeys.filter(
  (key): key is FormKey => key !== 'quitOnClose' && key !== 'checkForUpdates',
);

/** A group of fields. */
export interface SettingsSectionSpec {
  id: string;
  title: string;
  description: string;
  keys: readonly FormKey[];
}

/** What each section is about (its fields are the options table's rows of that section, in table order). */
const sectionText: Record<SettingsSectionId, { title: string; description: string }> = {
  network: { title: 'Network', description: 'Where the hub listens and the address it gives devices.' },
  access: { title: 'Access', description: 'Who may use the hub.' },
  limits: { title: 'Limits', description: 'Sizes and counts; a request over a limit gets a clear error.' },
  rates: {
    title: 'Rates',
    description: 'Per IP address; above the rate a request gets 429 with Retry-After. 0 turns a rate off.',
  },
  tls: { title: 'TLS', description: 'With both files the hub serves https and wss; leave both empty for plain http.' },
  storage: { title: 'Storage', description: 'Where registrations are kept.' },
};

/** The form's sections (the access token and the data dir have their own panels inside Access and Storage). */
export const settingsSections: readonly SettingsSectionSpec[] = settingsSectionIds.map((id) => ({
  id,
  ...sectionText[id],
  keys: formKeys.filter((key) => settingSpecs[key].section === id),
}));

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
