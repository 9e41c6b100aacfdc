/**
 * The desktop app's persisted operator settings (`conf`, a JSON file in the user-data folder).
 * Invalid or hand-edited values fall back to the defaults field by field.
 */
import { parseSettingsPatch } from '../../shared/command-args';
import type { HubSettings } from '../../shared/ipc';

/** Defaults: listen on every interface (the LAN), port 8000, closing the window keeps the hub in the tray. */
export const defaultSettings: HubSettings = { host: '0.0.0.0', port: 8000, quitOnClose: false };

/** Read and update the settings; `set` merges, persists and returns the new settings. */
export interface SettingsStore {
  get(): HubSettings;
  set(patch: Partial<HubSettings>): HubSettings;
  /** The JSON file. */
  readonly path: string;
}

/** Opens (or creates) `settings.json` in `dir`. */
export async function openSettings(dir: string): Promise<SettingsStore> {
  // conf is ESM-only: a dynamic import survives the CommonJS bundle of the main process.
  const { default: Conf } = await import('conf');
  const conf = new Conf<HubSettings>({ cwd: dir, configName: 'settings', defaults: defaultSettings });
  const read = (): HubSettings => {
    const stored: Record<string, unknown> = { ...conf.store };
    const valid: Partial<HubSettings> = {};
    for (const key of Object.keys(defaultSettings) as (keyof HubSettings)[]) {
      const parsed = parseSettingsPatch({ [key]: stored[key] });
      if (parsed.ok) Object.assign(valid, parsed.value);
    }
    return { ...defaultSettings, ...valid };
  };
  return {
    get: read,
    set(patch) {
      const next = { ...read(), ...patch };
      conf.store = next;
      return next;
    },
    path: conf.path,
  };
}
