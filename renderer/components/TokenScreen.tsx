import { type FormEvent, useState } from 'react';
import { useStore } from '../store';
import { Field, fieldNoteId } from './Field';

/** Asks for the admin token when the page has none or the hub refused it. Shows no hub data. */
export function TokenScreen({ reason }: { reason: 'missing' | 'refused' }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (token.trim() === '') {
      setError('Paste the token first');
      return;
    }
    useStore.getState().setToken(token);
  };
  return (
    <main className="token-screen" data-testid="token-screen">
      <form className="card form token-card" noValidate onSubmit={onSubmit} aria-labelledby="token-title">
        <span className="brand-mark" aria-hidden="true" />
        <h1 id="token-title">{reason === 'missing' ? 'Admin token required' : 'The hub refused this token'}</h1>
        <p className="muted">
          Open the <strong>Dashboard</strong> link the hub printed when it started (it ends in <code>#token=…</code>),
          or paste the token below.
        </p>
        <Field id="admin-token" label="Admin token" error={error}>
          <input
            id="admin-token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            aria-invalid={error !== undefined}
            aria-describedby={fieldNoteId('admin-token')}
            onChange={(e) => setToken(e.target.value)}
          />
        </Field>
        <button type="submit" className="btn btn-primary">
          Connect
        </button>
      </form>
    </main>
  );
}
