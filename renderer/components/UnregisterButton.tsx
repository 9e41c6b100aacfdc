import { useState } from 'react';
import { useStore } from '../store';

/** Removes one registration (its socket closes with 4000) or, with `userId`, all of a user's. */
export function UnregisterButton(props: { id: string; label: string } | { userId: number; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = async (): Promise<void> => {
    setBusy(true);
    const { call } = useStore.getState();
    const result = 'id' in props ? await call('unregister', { id: props.id }) : await call('unregisterUser', props);
    setBusy(false);
    setError(result.ok ? null : result.error.message);
  };
  return (
    <button
      type="button"
      className="btn btn-small btn-danger"
      data-testid="unregister"
      disabled={busy}
      aria-label={props.label}
      title={error ?? props.label}
      onClick={() => void onClick()}
    >
      {error !== null ? 'Retry' : 'id' in props ? 'Unregister' : 'Unregister all'}
    </button>
  );
}
