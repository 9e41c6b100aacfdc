import { settingSpecs } from '../../shared/settings';
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
          <option value="close">Close it (it reconnects and catches up)</option>
          <option value="drop">Drop messages for it</option>
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
    <Field id={id} label={label} hint={settingHints[name]} error={error}>
      {input}
    </Field>
  );
}
