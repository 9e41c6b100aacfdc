import { useStore } from '../store';
import { SettingsForm } from './SettingsForm';

/** The Settings tab: every relay option and the access token, with where changes are kept. */
export function SettingsView() {
  const config = useStore((s) => s.config);
  if (config === null) return null;
  return (
    <section className="view view-pad settings-view" aria-label="Settings" data-testid="settings-view">
      <p className="settings-intro muted" data-testid="settings-scope">
        {config.persisted
          ? 'Changes are saved and used again at the next launch. Saving restarts the server: connected devices reconnect by themselves; registrations are kept.'
          : 'This hub takes its settings from the command line; changes here last until it stops. Saving restarts the server: connected devices reconnect; registrations are kept.'}
      </p>
      <SettingsForm config={config} />
    </section>
  );
}
