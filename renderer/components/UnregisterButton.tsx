import { useEffect, useRef, useState } from 'react';
import { useStore } from '../store';

/** A confirmation that comes sooner than this after the question is a double-click: ignored. */
export const confirmGuardMs = 400;

/**
 * Removes one registration (its socket closes with 4000) or, with `userId`, all of a user's,
 * after asking: the first click asks (Cancel where the pointer is, and focused), the second
 * confirms. A double-click only asks, and a row that slides under the pointer is never removed.
 */
export function UnregisterButton(props: { id: string; label: string } | { userId: number; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [askedAt, setAskedAt] = useState<number | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (askedAt !== null) cancel.current?.focus();
  }, [askedAt]);
  const onConfirm = async (): Promise<void> => {
    if (askedAt === null || Date.now() - askedAt < confirmGuardMs) return;
    setBusy(true);
    const { call } = useStore.getState();
    const result = 'id' in props ? await call('unregister', { id: props.id }) : await call('unregisterUser', props);
    setBusy(false);
    setAskedAt(null);
    setError(result.ok ? null : result.error.message);
  };
  const action = 'id' in props ? 'Unregister' : 'Unregister all';
  if (askedAt === null) {
    return (
      <button
        type="button"
        className="btn btn-small btn-danger"
        data-testid="unregister"
        aria-label={props.label}
        title={error ?? props.label}
        onClick={() => setAskedAt(Date.now())}
      >
        {error !== null ? 'Retry' : action}
      </button>
    );
  }
  return (
    <span className="confirm confirm-row" role="group" aria-label={`Confirm: ${props.label}`}>
      <button
        type="button"
        className="btn btn-small btn-danger"
        data-testid="unregister-confirm"
        disabled={busy}
        aria-label={`Yes, ${props.label.charAt(0).toLowerCase()}${props.label.slice(1)}`}
        onClick={() => void onConfirm()}
      >
        {`${action}?`}
      </button>
      <button
        type="button"
        ref={cancel}
        className="btn btn-small"
        data-testid="unregister-cancel"
        onClick={() => setAskedAt(null)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setAskedAt(null);
        }}
      >
        Cancel
      </button>
    </span>
  );
}
