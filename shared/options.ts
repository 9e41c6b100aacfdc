/**
 * The one table of the relay's options: for each, its kind and bounds, default, command-line flag,
 * environment variable, one-line help and place in the GUI. Everything else derives from it: the
 * relay's option type and validation (`electron/relay/core/options.ts`), the CLI's parsing and
 * `--help` (`electron/cli/args.ts`), the GUI's settings, defaults and hints (`settings.ts`), and
 * the README's configuration table (checked by `test/docs.test.ts`). Adding an option is one row.
 */
import { logLevels, type OptionKind, type OptionRow } from './options/kinds';
import { accessOptions } from './options/access';
import { networkOptions } from './options/network';
import { storageOptions } from './options/storage';

export {
  settingsSectionIds,
  type OptionKind,
  type OptionRow,
  type OptionUnit,
  type SettingsSectionId,
} from './options/kinds';

/** Every relay option, in the order the GUI and the docs show them: one file of rows per subject. */
export const optionTable = { ...networkOptions, ...accessOptions, ...storageOptions } as const;

type Table = typeof optionTable;
/** The name of a relay option. */
export type OptionName = keyof Table;

/** The value type of an option kind. */
export type OptionValue<K extends OptionKind> = K extends { type: 'integer' }
  ? number
  : K extends { type: 'host' }
    ? string
    : K extends { type: 'url' | 'path' | 'secret' }
      ? string | null
      : K extends { type: 'port' }
        ? number | null
        : K extends { type: 'origins' }
          ? readonly string[] | null
          : K extends { type: 'choice'; values: readonly (infer V)[] }
            ? V
            : K extends { type: 'flag' }
              ? boolean
              : never;

/** Every relay option with its value type: what `createRelay()` is configured with. */
export type OptionValues = { -readonly [N in OptionName]: OptionValue<Table[N]['kind']> };

/** The options the GUI's Settings view shows (those with a `gui` place). */
export type GuiOptionName = { [N in OptionName]: Table[N] extends { gui: object } ? N : never }[OptionName];

/** Every option name, in table order. */
export const optionNames = Object.keys(optionTable) as OptionName[];

/** The row of an option, typed as a plain row (for code that walks the table). */
export function optionRow(name: OptionName): OptionRow {
  return optionTable[name];
}

/** The GUI's option names, in table order. */
export const guiOptionNames = optionNames.filter((name) => optionRow(name).gui !== undefined) as GuiOptionName[];

/** The library's defaults, from the table. */
export const optionDefaults = Object.freeze(
  Object.fromEntries(optionNames.map((name) => [name, optionTable[name].default])) as OptionValues,
);

/** A log level name (`logLevel`). */
export type LogLevel = OptionValues['logLevel'];

/** True for a log level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (logLevels as readonly string[]).includes(value);
}

/** A host to listen on: an IPv4/IPv6 literal or a hostname, at most 253 characters. */
export function isListenHost(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= 253 &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(value)
  );
}

const accessTokenPattern = /^[\x21-\x7e]{16,}$/;

/** True for an access token the hub accepts: 16+ visible ASCII characters, no spaces. */
export function isAccessToken(value: unknown): value is string {
  return typeof value === 'string' && accessTokenPattern.test(value);
}

const maxOrigins = 100;
const anyInteger = Number.MAX_SAFE_INTEGER;

/**
 * Null when `value` fits `kind`, else what is wrong as a predicate ("must be a whole number from 0
 * to 65535"): the GUI prefixes it with the field's label, the relay with the option's name.
 */
export function kindProblem(kind: OptionKind, value: unknown): string | null {
  switch (kind.type) {
    case 'integer': {
      const max = kind.max ?? anyInteger;
      if (typeof value === 'number' && Number.isInteger(value) && value >= kind.min && value <= max) return null;
      return max === anyInteger
        ? `must be a whole number of at least ${kind.min}`
        : `must be a whole number from ${kind.min} to ${max}`;
    }
    case 'host':
      return isListenHost(value) ? null : 'must be an IP address or a hostname';
    case 'url':
    case 'path': {
      if (value === null) return null;
      const maxLength = kind.type === 'url' ? 2048 : 4096;
      return typeof value === 'string' && value.trim() !== '' && value.length <= maxLength && value === value.trim()
        ? null
        : `must be empty or a text of at most ${maxLength} characters without surrounding spaces`;
    }
    case 'origins':
      if (value === null) return null;
      if (!Array.isArray(value) || value.length === 0 || value.length > maxOrigins) {
        return `must be empty (any origin) or a list of 1 to ${maxOrigins} origins`;
      }
      return value.every((origin) => typeof origin === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\S{1,2000}$/i.test(origin))
        ? null
        : 'must list origins like https://app.example';
    case 'choice':
      if (typeof value === 'string' && kind.values.includes(value)) return null;
      return kind.values.length === 2
        ? `must be "${kind.values[0]}" or "${kind.values[1]}"`
        : `must be one of ${kind.values.join(', ')}`;
    case 'flag':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'secret':
      if (value === null) return null;
      return isAccessToken(value) ? null : 'must be at least 16 visible ASCII characters without spaces';
    case 'port':
      if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535)) {
        return null;
      }
      return 'must be off or a whole number from 0 to 65535';
  }
}

/** Why `token` cannot be an access token (a sentence for the GUI), or null when it can. */
export function accessTokenProblem(token: string): string | null {
  if (accessTokenPattern.test(token)) return null;
  return token.length < 16
    ? `an access token needs at least 16 characters (this one has ${token.length})`
    : 'an access token may contain only visible ASCII characters, no spaces';
}
