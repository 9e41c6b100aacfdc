import type { OptionKind } from '../../shared/options';
import { settingSpecs } from '../../shared/settings';
import { formatDuration, formatSize } from '../format';
import { Field, fieldNoteId } from './Field';
import type { FormKey } from './settingsForm';

/** One setting's input: a number, a path or URL, a list of origins, or the slow-consumer policy. */
export function SettingField({
  name,
  value,
  error,
  onChange,
}: {
  name: FormKey;
  value: string;
  error: string | undefined;
  onChange: (name: FormKey, value: string) => void;
}) {
  const { label, kind, hint, choices = {} } = settingSpecs[name];
  const id = `setting-${name}`;
  const common = {
    id,
    name,
    value,
    'aria-invalid': error !== undefined,
    'aria-describedby': fieldNoteId(id),
    'data-testid': id,
  };
  let input;
  switch (kind.type) {
    case 'choice':
      input = (
        <select {...common} onChange={(e) => onChange(name, e.target.value)}>
          {kind.values.map((choice) => (
            <option key={choice} value={choice}>
              {choices[choice] ?? choice}
            </option>
          ))}
        </select>
      );
      break;
    case 'origins':
      input = (
        <textarea
          {...common}
          rows={3}
          placeholder="Any origin"
          spellCheck={false}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
      break;
    case 'integer':
    case 'port':
      // Milliseconds take a duration (`30 s`, `7 d`): free text, not the numeric keypad.
      input = (
        <input
          {...common}
          inputMode={kind.type === 'integer' && kind.unit === 'ms' ? 'text' : 'numeric'}
          placeholder={kind.type === 'port' ? 'off' : undefined}
          spellCheck={false}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
      break;
    case 'flag': {
      // On or off: a switch, not a text box holding "false".
      const { value: _text, ...rest } = common;
      input = (
        <input
          {...rest}
          type="checkbox"
          role="switch"
          className="switch"
          checked={value === 'true'}
          onChange={(e) => onChange(name, e.target.checked ? 'true' : 'false')}
        />
      );
      break;
    }
    case 'url':
    case 'path':
    case 'host':
    case 'secret':
      input = (
        <input
          {...common}
          spellCheck={false}
          placeholder={kind.type === 'url' ? kind.example : undefined}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
      break;
  }
  return (
    <Field id={id} label={label} hint={hintFor(hint, kind, value)} error={error}>
      {input}
    </Field>
  );
}

/** The field's hint, with the value in readable units (`1 MiB`, `30 s`) when it has some. */
function hintFor(hint: string, kind: OptionKind, value: string): string {
  if (kind.type !== 'integer' || kind.unit === undefined || !/^\d{1,16}$/.test(value.trim())) return hint;
  const amount = Number(value.trim());
  if (amount === 0 || kind.unit === 'per second') return hint;
  return `${hint} (${kind.unit === 'bytes' ? formatSize(amount) : formatDuration(amount)})`;
}
