import { type FormEvent, useState } from 'react';
import type { HubConfig, HubSettings } from '../../shared/ipc';
import { useStore } from '../store';
import { AccessTokenPanel } from './AccessTokenPanel';
import { SettingsSection } from './SettingsSection';
import {
  applied,
  changesOf,
  draftError,
  draftsOf,
  rebase,
  settingsSections,
  withSaved,
  type FormKey,
} from './settingsForm';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'ok' | 'error'; text: string }
  // The hub restarted and took the dashboard's link with it: the answer comes with the next snapshot.
  | { kind: 'pending'; patch: Partial<HubSettings> };

/** Every relay setting in sections; Save sends only the changed fields, all or nothing. */
export function SettingsForm({ config }: { config: HubConfig }) {
  const { settings } = config;
  const [base, setBase] = useState(settings);
  const [drafts, setDrafts] = useState(() => draftsOf(settings));
  const [errors, setErrors] = useState<Partial<Record<FormKey, string>>>({});
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const statusError = useStore((s) => s.status.error);

  if (base !== settings) {
    // The hub's settings changed (saved here or elsewhere): untouched fields follow them.
    setBase(settings);
    const rebased = rebase(drafts, base, settings);
    setDrafts(outcome.kind === 'pending' ? withSaved(rebased, Object.keys(outcome.patch), settings) : rebased);
    if (outcome.kind === 'pending') {
      setOutcome(
        applied(outcome.patch, settings)
          ? { kind: 'ok', text: savedText(config) }
          : { kind: 'error', text: `Not applied: ${statusError?.message ?? 'the hub kept its previous settings'}` },
      );
    }
  }

  const onChange = (name: FormKey, value: string): void => {
    setDrafts((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: draftError(name, value) }));
    if (outcome.kind === 'ok' || outcome.kind === 'error') setOutcome({ kind: 'idle' });
  };

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const { patch, errors: found } = changesOf(drafts, settings);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setOutcome({ kind: 'error', text: 'Fix the highlighted fields first.' });
      return;
    }
    if (Object.keys(patch).length === 0) {
      setOutcome({ kind: 'ok', text: 'Nothing changed.' });
      return;
    }
    setOutcome({ kind: 'busy' });
    const { call, applyConfig, transport } = useStore.getState();
    const result = await call('setSettings', patch);
    if (result.ok) {
      applyConfig(result.value);
      setDrafts((current) => withSaved(current, Object.keys(patch), result.value.settings));
      setOutcome({ kind: 'ok', text: savedText(result.value) });
    } else if (result.error.code === 'unavailable' && transport !== null) {
      setOutcome({ kind: 'pending', patch });
    } else {
      setOutcome({ kind: 'error', text: result.error.message });
    }
  };

  const dirty = Object.keys(changesOf(drafts, settings).patch).length > 0;
  return (
    <form className="settings-form" aria-label="Hub settings" noValidate onSubmit={(e) => void onSubmit(e)}>
      {settingsSections.map((section) => (
        <SettingsSection key={section.id} section={section} drafts={drafts} errors={errors} onChange={onChange}>
          {section.id === 'access' && <AccessTokenPanel persisted={config.persisted} tokenFile={config.tokenFile} />}
          {section.id === 'storage' && (
            <p className="settings-readonly">
              <span className="settings-readonly-label">Data folder</span>
              <code data-testid="settings-data-dir">{config.dataDir ?? 'none: registrations are kept in memory'}</code>
            </p>
          )}
        </SettingsSection>
      ))}
      <div className="settings-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={outcome.kind === 'busy' || outcome.kind === 'pending'}
        >
          {outcome.kind === 'busy' || outcome.kind === 'pending' ? 'Applying…' : 'Save and apply'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!dirty}
          onClick={() => {
            setDrafts(draftsOf(settings));
            setErrors({});
            setOutcome({ kind: 'idle' });
          }}
        >
          Revert
        </button>
        <p className="form-outcome" role="status" data-testid="settings-outcome">
          {outcome.kind === 'ok' && <span className="ok">{outcome.text}</span>}
          {outcome.kind === 'error' && <span className="error">{outcome.text}</span>}
          {outcome.kind === 'pending' && <span className="muted">The hub is restarting with the new settings…</span>}
        </p>
      </div>
    </form>
  );
}

function savedText(config: HubConfig): string {
  return config.persisted ? 'Saved and applied.' : 'Applied until the hub stops.';
}
