/** The GUI's settings (`shared/ipc.ts` `RelaySettings`: the options table's rows with a GUI place) ↔ the relay's options. */
import type { RelaySettings } from '../../shared/ipc';
import { guiOptionNames } from '../../shared/options';
import type { LiveOptions, RelayOptions } from '../relay/index';

/** The GUI's settings view of relay options. */
export function settingsOf(options: RelayOptions): RelaySettings {
  return Object.fromEntries(guiOptionNames.map((name) => [name, options[name]])) as RelaySettings;
}

/** Relay options for settings (the fields absent from `patch` are not in the result). */
export function optionsOf(patch: Partial<RelaySettings>): Partial<LiveOptions> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

/** The fields of `patch` whose value differs from the relay's current settings. */
export function changedSettings(patch: Partial<RelaySettings>, options: RelayOptions): Partial<RelaySettings> {
  const current = settingsOf(options) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) changed[key] = value;
  }
  return changed;
}
