import { useState } from 'react';
import { useStore } from '../store';

/** Desktop app only (the headless hub has no settings): whether closing the window quits or keeps the hub in the tray. */
export function QuitOnCloseToggle() {
  const config = useStore((s) => s.config);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (config === null || !config.persisted) return null;
  const onChange = async (quitOnClose: boolean): Promise<void> => {
    setBusy(true);
    const { call, applyConfig } = useStore.getState();
    const result = await call('setSettings', { quitOnClose });
    setBusy(false);
    if (result.ok) applyConfig(result.value);
    setError(result.ok ? null : result.error.message);
  };
  return (
    <label className="toggle" title={error ?? 'Otherwise the hub keeps running in the tray'}>
      <input
        type="checkbox"
        checked={config.settings.quitOnClose}
        disabled={busy}
        onChange={(e) => void onChange(e.target.checked)}
      />
      Quit when the window closes
      {error !== null && <span className="error"> — {error}</span>}
    </label>
  );
}
