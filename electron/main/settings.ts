/**
 * The desktop app's persisted operator settings (`settings.json` in the user-data folder, plain
 * JSON, replaced atomically and durably on every change).
 * Only the values the operator chose are stored; the rest follow the relay's defaults. Invalid or
 * hand-edited values fall back to the defaults field by field. The access token is stored in the
 * same file: encrypted with the OS keychain (Electron `safeStorage`) when a cipher is given and
 * available, otherwise in plain text (readable by anyone who can read the user-data folder).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSettingsPatch } from '../../shared/command-args';
import { settingsKeys, type HubSettings, type RelaySettings } from '../../shared/ipc';
import { guiOptionNames, isAccessToken } from '../../shared/options';
import { defaultRelayOptions, writeFileAtomic, type RelayOptions } from '../relay/index';

/**
 * Defaults: the relay's (the options table's: every interface, port 8000…), except that the desktop
 * app announces itself on the LAN (mDNS) unless the operator turns it off — the headless hub needs
 * `--mdns`; closing the window keeps the hub in the tray.
 */
export const defaultSettings: HubSettings = Object.freeze({
  ...settingsOfDefaults(),
  mdns: true,
  mqttPort: 1883,
  mqttsPort: 8883,
  quitOnClose: false,
  checkForUpdates: false,
});

function settingsOfDefaults(): RelaySettings {
  return Object.fromEntries(guiOptionNames.map((name) => [name, defaultRelayOptions[name]])) as RelaySettings;
}

/** Encrypts the stored access token (Electron `safeStorage` in the app; absent in tests and when unavailable). */
export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** Read and update the settings; `set` merges, persists and returns the new settings. */
export interface SettingsStore {
  get(): HubSettings;
  set(patch: Partial<HubSettings>): HubSettings;
  /**
   * The saved access token, or null when none is saved. A saved token that cannot be read (hand-edited,
   * or the OS keychain changed) is replaced by a new random one: the hub stays locked, never silently open.
   */
  accessToken(): string | null;
  /** Saves (or with null, forgets) the access token. */
  setAccessToken(token: string | null): void;
  /** The JSON file. */
  readonly path: string;
}

/** How the token sits in settings.json. */
type StoredToken = { plain: string } | { sealed: string };

interface StoredSettings extends Partial<HubSettings> {
  accessToken?: StoredToken;
}

/** The relay options for saved settings (every setting but the desktop app's own). */
export function relayOptionsOf(settings: HubSettings): Partial<RelayOptions> {
  const options: Partial<HubSettings> = { ...settings };
  delete options.quitOnClose;
  delete options.checkForUpdates;
  return options;
}

/** What `settings.json` holds: {} when there is no such file yet; throws when it is not a JSON object. */
function readStored(path: string): StoredSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path} does not hold a JSON object`);
  }
  return value;
}

/** Opens (or creates) `settings.json` in `dir`. */
export function openSettings(dir: string, cipher: TokenCipher | null = null): Promise<SettingsStore> {
  const path = join(dir, 'settings.json');
  const stored: StoredSettings = readStored(path);
  const write = (): void => writeFileAtomic(path, `${JSON.stringify(stored, undefined, '\t')}\n`);
  const fields = stored as Record<string, unknown>;
  const read = (): HubSettings => {
    const valid: Partial<HubSettings> = {};
    for (const key of settingsKeys) {
      if (stored[key] === undefined) continue;
      const parsed = parseSettingsPatch({ [key]: stored[key] });
      if (parsed.ok) Object.assign(valid, parsed.value);
    }
    return { ...defaultSettings, ...valid };
  };
  const save = (token: string | null): void => {
    if (token === null) delete stored.accessToken;
    else stored.accessToken = cipher === null ? { plain: token } : { sealed: cipher.encrypt(token) };
    write();
  };
  return Promise.resolve({
    get: read,
    set(patch) {
      // Only what the operator chose is written: the other fields keep following the defaults.
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) fields[key] = value;
      }
      write(); // one write for the whole patch
      return read();
    },
    accessToken() {
      const saved: unknown = fields.accessToken;
      if (saved === undefined) return null;
      let token: unknown = null;
      if (typeof saved !== 'object' || saved === null) token = null;
      else if ('plain' in saved) token = saved.plain;
      else if ('sealed' in saved && typeof saved.sealed === 'string' && cipher !== null) {
        try {
          token = cipher.decrypt(saved.sealed);
        } catch {
          token = null;
        }
      }
      if (isAccessToken(token)) return token;
      const fresh = randomBytes(32).toString('base64url');
      save(fresh);
      return fresh;
    },
    setAccessToken: save,
    path,
  });
}
