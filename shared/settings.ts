/**
 * The operator settings' pure rules, shared by the command parser (IPC, dashboard), the desktop
 * settings file and the Settings form. Every relay setting is a row of `options.ts` (label, kind,
 * bounds, hint); this module adds the desktop app's own setting and the text ↔ value conversion of
 * the form's inputs.
 */
import { formatDurationExact, parseDuration } from './duration';
import type { HubSettings } from './ipc';
import { guiOptionNames, kindProblem, optionRow, type OptionKind, type SettingsSectionId } from './options';

export { accessTokenProblem, isAccessToken, isListenHost } from './options';

/** A setting: its label, kind, hint and section in the GUI (the desktop app's own have no section). */
export interface SettingSpec {
  label: string;
  kind: OptionKind;
  hint: string;
  section: SettingsSectionId | null;
  /** For a choice: what the GUI calls each value. */
  choices?: Readonly<Record<string, string>>;
}

function specOf(name: (typeof guiOptionNames)[number]): SettingSpec {
  const { kind, gui } = optionRow(name);
  if (gui === undefined) throw new Error(`option ${name} has no GUI place`);
  const spec: SettingSpec = { label: gui.label, kind, hint: gui.hint, section: gui.section };
  if (gui.choices !== undefined) spec.choices = gui.choices;
  return spec;
}

/** Every setting, by field name: the relay's from the options table, plus the desktop app's own. */
export const settingSpecs: { readonly [K in keyof HubSettings]: SettingSpec } = {
  ...(Object.fromEntries(guiOptionNames.map((name) => [name, specOf(name)])) as Record<
    (typeof guiOptionNames)[number],
    SettingSpec
  >),
  quitOnClose: {
    label: 'Quit when the window closes',
    kind: { type: 'flag' },
    hint: 'Off: closing the window keeps the hub running in the tray',
    section: null,
  },
  checkForUpdates: {
    label: 'Check for updates',
    kind: { type: 'flag' },
    hint: 'At start, ask the release page whether a newer version exists (nothing is downloaded)',
    section: null,
  },
};

/** Null when `value` is structurally valid for setting `key`, else a message naming the setting. */
export function settingProblem(key: keyof HubSettings, value: unknown): string | null {
  const { label, kind } = settingSpecs[key];
  const problem = kindProblem(kind, value);
  return problem === null ? null : `${label} ${problem}`;
}

/** A settings value as the form's text input shows it. */
export function settingToText(key: keyof HubSettings, value: HubSettings[keyof HubSettings]): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join('\n');
  const { kind } = settingSpecs[key];
  if (kind.type === 'flag') return value === true ? 'true' : 'false';
  // Milliseconds read as a duration: `30 s`, `7 d`.
  if (kind.type === 'integer' && kind.unit === 'ms' && typeof value === 'number') return formatDurationExact(value);
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
      if (kind.unit === 'ms') {
        const ms = parseDuration(trimmed);
        if (ms === null) {
          return { ok: false, message: `${settingSpecs[key].label} must be a duration like 30 s, 15 min or 7 d` };
        }
        value = ms;
      } else value = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      break;
    case 'url':
    case 'path':
    case 'secret':
      value = trimmed === '' ? null : trimmed;
      break;
    case 'port':
      value = trimmed === '' || trimmed === 'off' ? null : /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      break;
    case 'origins': {
      const lines = trimmed
        .split(/[\s,]+/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      value = lines.length === 0 ? null : lines;
      break;
    }
    case 'flag':
      value = trimmed === 'true';
      break;
    case 'host':
    case 'choice':
      value = trimmed;
      break;
  }
  const problem = settingProblem(key, value);
  return problem === null
    ? { ok: true, value: value as HubSettings[keyof HubSettings] }
    : { ok: false, message: problem };
}
