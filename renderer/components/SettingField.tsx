import { settingSpecs, type SettingKind } from '../../shared/settings';
import { formatDuration, formatSize } from '../format';
import { Field, fieldNoteId } from './Field';
import { settingHints, type FormKey } from './settingsForm';

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
  const { label, kind } = settingSpecs[name];
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
    case 'policy':
      input = (
        <select {...common} onChange={(e) => onChange(name, e.target.value)}>
          <option value="close">Close it</option>
          <option value="drop">Drop its messages</option>
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
      input = <input {...common} inputMode="numeric" onChange={(e) => onChange(name, e.target.value)} />;
      break;
    case 'optionalText':
    case 'host':
    case 'boolean':
      input = (
        <input
          {...common}
          spellCheck={false}
          placeholder={kind.type === 'optionalText' && kind.example !== '' ? kind.example : undefined}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
      break;
  }
  return (
    <Field id={id} label={label} hint={hintFor(name, kind, value)} error={error}>
      {input}
    </Field>
  );
}

/** The field's hint, with the value in readable units (`1 MiB`, `30 s`) when it has some. */
function hintFor(name: FormKey, kind: SettingKind, value: string): string {
  const hint = settingHints[name];
  if (kind.type !== 'integer' || kind.unit === undefined || !/^\d{1,16}$/.test(value.trim())) return hint;
  const amount = Number(value.trim());
  if (amount === 0 || kind.unit === 'per second') return hint;
  return `${hint} (${kind.unit === 'bytes' ? formatSize(amount) : formatDuration(amount)})`;
}
