import { type FormEvent, useState } from 'react';
import { useStore } from '../store';
import { Field, fieldNoteId } from './Field';

/** Pick another port after EADDRINUSE and restart the server without restarting the app. */
export function PortForm() {
  const host = useStore((s) => s.config?.settings.host ?? s.status.listen?.host ?? '0.0.0.0');
  const current = useStore((s) => s.config?.settings.port ?? s.status.listen?.port ?? 8000);
  const [port, setPort] = useState(String(current === 65535 ? 8000 : current + 1));
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const value = Number(port.trim());
    if (!/^\d+$/.test(port.trim()) || value < 1 || value > 65535) {
      setError('Port must be a whole number from 1 to 65535');
      return;
    }
    setError(undefined);
    setBusy(true);
    const result = await useStore.getState().call('restart', { host, port: value });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else if (result.value.state === 'error') setError(result.value.error?.message ?? 'The port is not available');
  };
  return (
    <form className="port-form" noValidate onSubmit={(e) => void onSubmit(e)}>
      <Field id="restart-port" label="Try another port" error={error}>
        <input
          id="restart-port"
          inputMode="numeric"
          value={port}
          aria-invalid={error !== undefined}
          aria-describedby={fieldNoteId('restart-port')}
          onChange={(e) => setPort(e.target.value)}
        />
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Restarting…' : `Restart on port ${port}`}
      </button>
    </form>
  );
}
