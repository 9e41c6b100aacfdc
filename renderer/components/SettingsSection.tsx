import type { ReactNode } from 'react';
import { SettingField } from './SettingField';
import type { Drafts, FormKey, SettingsSectionSpec } from './settingsForm';

/** A titled group of settings (a fieldset), with optional extra content such as the token panel. */
export function SettingsSection({
  section,
  drafts,
  errors,
  onChange,
  children,
}: {
  section: SettingsSectionSpec;
  drafts: Drafts;
  errors: Partial<Record<FormKey, string>>;
  onChange: (name: FormKey, value: string) => void;
  children?: ReactNode;
}) {
  return (
    <fieldset className="settings-section" aria-labelledby={`section-${section.id}`}>
      <div className="settings-section-head">
        <h2 id={`section-${section.id}`}>{section.title}</h2>
        <p className="muted">{section.description}</p>
      </div>
      {children}
      <div className="settings-grid">
        {section.keys.map((key) => (
          <SettingField key={key} name={key} value={drafts[key]} error={errors[key]} onChange={onChange} />
        ))}
      </div>
    </fieldset>
  );
}
