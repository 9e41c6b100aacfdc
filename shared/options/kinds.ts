/** The shape of an option row: its kind, unit and place in the GUI (see `shared/options.ts`). */
/** How an option's value is written and checked. */
export type OptionKind =
  | { readonly type: 'integer'; readonly min: number; readonly max?: number; readonly unit?: OptionUnit }
  /** An interface to listen on: an IP literal or a hostname. */
  | { readonly type: 'host' }
  /** An absolute http(s) URL, or null. */
  | { readonly type: 'url'; readonly example: string }
  /** A file or folder path, or null. */
  | { readonly type: 'path' }
  /** Browser origins (`https://app.example`), or null for any. */
  | { readonly type: 'origins' }
  /** One of a few words. */
  | { readonly type: 'choice'; readonly values: readonly string[] }
  /** On or off. */
  | { readonly type: 'flag' }
  /** A secret of 16+ visible ASCII characters, or null. */
  | { readonly type: 'secret' }
  /** A TCP port from 0 (any free one) to 65535, or null (written `off`): that listener is off. */
  | { readonly type: 'port' };

/** The unit of an integer option, for readable hints (`1 MiB`, `30 s`). */
export type OptionUnit = 'bytes' | 'ms' | 'per second';

/** The GUI's settings sections, in order. */
export const settingsSectionIds = ['network', 'access', 'limits', 'rates', 'tls', 'storage'] as const;
/** A section of the GUI's Settings view. */
export type SettingsSectionId = (typeof settingsSectionIds)[number];

/** One option. */
export interface OptionRow {
  readonly kind: OptionKind;
  /** The library's default (`createRelay()`); the CLI's differs where `cliDefault` says. */
  readonly default: number | string | boolean | null;
  /** The command-line flag, without `--` (absent: library only). */
  readonly flag?: string;
  /** The environment variable the CLI reads when the flag is absent. */
  readonly env?: string;
  /** One line for `--help` and the README. */
  readonly help: string;
  /** The headless hub's default where it differs from the library's, as the README shows it. */
  readonly cliDefault?: string;
  /** Where the GUI's Settings view shows it (absent: not a GUI setting). */
  readonly gui?: {
    readonly section: SettingsSectionId;
    readonly label: string;
    readonly hint: string;
    /** For a choice: what the GUI calls each value. */
    readonly choices?: Readonly<Record<string, string>>;
  };
}

/** One mebibyte, for byte defaults. */
export const MiB = 1024 * 1024;
/** The log levels, in order of severity. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
