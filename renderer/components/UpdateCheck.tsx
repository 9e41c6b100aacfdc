import { useEffect, useState } from 'react';
import type { UpdateState, UpdateStatus } from '../../shared/updates';
import { useStore } from '../store';

/** One line for the update check's state. */
export function describeUpdate(state: UpdateState): string {
  switch (state.kind) {
    case 'off':
      return 'update check off';
    case 'idle':
      return 'not checked yet';
    case 'unsupported':
      return `no update check: ${state.reason}`;
    case 'checking':
      return 'checking…';
    case 'current':
      return 'up to date';
    case 'available':
      return `version ${state.version} is out — see the release page`;
    case 'failed':
      return `check failed: ${state.message}`;
  }
}

/** Desktop app only: the app's version, the opt-in "check for updates" and its last answer. */
export function UpdateCheck() {
  const config = useStore((s) => s.config);
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const desktop = config?.persisted === true;

  useEffect(() => {
    if (!desktop) return;
    void useStore
      .getState()
      .call('checkForUpdates', { now: false })
      .then((result) => result.ok && setStatus(result.value));
  }, [desktop]);
  if (config === null || !desktop) return null;

  const check = async (): Promise<void> => {
    const result = await useStore.getState().call('checkForUpdates', { now: true });
    if (result.ok) setStatus(result.value);
    setError(result.ok ? null : result.error.message);
  };
  const onToggle = async (checkForUpdates: boolean): Promise<void> => {
    setBusy(true);
    const { call, applyConfig } = useStore.getState();
    const saved = await call('setSettings', { checkForUpdates });
    if (saved.ok) applyConfig(saved.value);
    setError(saved.ok ? null : saved.error.message);
    if (saved.ok) await check();
    setBusy(false);
  };
  return (
    <span className="url-item update-check" aria-label="Updates">
      {status !== null && <span className="url-bar-label">Relay Hub {status.version}</span>}
      <label className="toggle" title="Asks the release page at start; nothing is downloaded">
        <input
          type="checkbox"
          checked={config.settings.checkForUpdates}
          disabled={busy}
          onChange={(e) => void onToggle(e.target.checked)}
        />
        Check for updates
      </label>
      {status !== null && <span data-testid="update-state">{describeUpdate(status.state)}</span>}
      {config.settings.checkForUpdates && (
        <button type="button" disabled={busy} onClick={() => void check()}>
          Check now
        </button>
      )}
      {error !== null && <span className="error"> — {error}</span>}
    </span>
  );
}
