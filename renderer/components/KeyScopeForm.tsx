import type { KeyDialog } from '../store/types';
import type { DeviceKeyListing } from '../../shared/keys';
import { Field, fieldNoteId } from './Field';
import { expiryChoices, fieldsFromKey, keyState, type KeyErrors, type KeyFields } from './keyForm';

/** The fields of the key dialogs: name, user(s), topics, expiry; for a device also its key to copy and the hub URL. */
export function KeyScopeForm({
  mode,
  fields,
  errors,
  keys,
  urls,
  onChange,
}: {
  mode: KeyDialog;
  fields: KeyFields;
  errors: KeyErrors;
  keys: readonly DeviceKeyListing[];
  urls: readonly string[];
  onChange: (fields: KeyFields) => void;
}) {
  const set = (patch: Partial<KeyFields>): void => onChange({ ...fields, ...patch });
  const input = (id: string, name: keyof KeyErrors) => ({
    id,
    autoComplete: 'off',
    'aria-invalid': errors[name] !== undefined,
    'aria-describedby': fieldNoteId(id),
  });
  const device = mode === 'device';
  const usable = keys.filter((k) => keyState(k) === 'active');
  return (
    <div className="key-form">
      {usable.length > 0 && (
        <Field
          id="key-from"
          label="Start from a key (optional)"
          hint="Copies its users and topics into a new key: the hub keeps only a hash of each key, so an existing key’s secret cannot be shown again"
          error={undefined}
        >
          <select
            id="key-from"
            aria-describedby={fieldNoteId('key-from')}
            value=""
            onChange={(e) => {
              const key = usable.find((k) => k.id === e.target.value);
              if (key !== undefined) onChange(fieldsFromKey(fields, key, device));
            }}
          >
            <option value="">Choose a key to copy…</option>
            {usable.map((k) => (
              <option key={k.id} value={k.id}>
                {`${k.name} (${k.id}) — users ${k.users.join(', ')}; ${k.subscribe.join(', ') || 'no topics'}`}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field
        id="key-name"
        label="Name"
        hint={device ? 'The device’s name, e.g. Alice phone' : 'What the key is for'}
        error={errors.name}
      >
        <input {...input('key-name', 'name')} value={fields.name} onChange={(e) => set({ name: e.target.value })} />
      </Field>
      <Field
        id="key-users"
        label={device ? 'User id' : 'User ids'}
        hint={device ? 'The user this device registers as' : 'Comma-separated: the users it may register as'}
        error={errors.users}
      >
        <input
          {...input('key-users', 'users')}
          inputMode={device ? 'numeric' : 'text'}
          value={fields.users}
          onChange={(e) => set({ users: e.target.value })}
        />
      </Field>
      <Field
        id="key-subscribe"
        label="Topics it may subscribe to"
        hint="Comma-separated: names, prefix/* patterns, or * for any"
        error={errors.subscribe}
      >
        <input
          {...input('key-subscribe', 'subscribe')}
          value={fields.subscribe}
          onChange={(e) => set({ subscribe: e.target.value })}
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={fields.publishSame} onChange={(e) => set({ publishSame: e.target.checked })} />
        <span>It may publish on the same topics</span>
      </label>
      {!fields.publishSame && (
        <Field
          id="key-publish"
          label="Topics it may publish on"
          hint="Comma-separated; empty: none"
          error={errors.publish}
        >
          <input
            {...input('key-publish', 'publish')}
            value={fields.publish}
            onChange={(e) => set({ publish: e.target.value })}
          />
        </Field>
      )}
      <div className="key-form-row">
        <Field id="key-expiry" label="Key expires" hint="Its devices are removed when it does" error={undefined}>
          <select
            id="key-expiry"
            aria-describedby={fieldNoteId('key-expiry')}
            value={fields.expiresInMs}
            onChange={(e) => set({ expiresInMs: Number(e.target.value) })}
          >
            {expiryChoices.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </Field>
        {device && urls.length > 1 && (
          <Field id="key-base" label="Hub address for the link" hint="One the device can reach" error={undefined}>
            <select
              id="key-base"
              aria-describedby={fieldNoteId('key-base')}
              value={fields.base}
              onChange={(e) => set({ base: e.target.value })}
            >
              {urls.map((url) => (
                <option key={url} value={url}>
                  {url}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
    </div>
  );
}
