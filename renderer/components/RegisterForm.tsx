import { QRCodeSVG } from 'qrcode.react';
import { type FormEvent, useState } from 'react';
import { parseUserId } from '../../shared/parse';
import { CopyField } from './CopyButton';
import { Field, fieldNoteId } from './Field';
import { useStore } from '../store';

/** Register a device for a user and hand over its WebSocket URL (copy or scan). */
export function RegisterForm() {
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const registered = useStore((s) => s.lastRegistration);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const text = userId.trim();
    const parsed = parseUserId(/^\d+$/.test(text) ? Number(text) : Number.NaN);
    if (!parsed.ok) {
      setError(text === '' ? 'Enter a user id' : 'User id must be a whole number');
      return;
    }
    setError(undefined);
    setBusy(true);
    const { call, setLastRegistration } = useStore.getState();
    const result = await call('register', { user_id: parsed.value });
    setBusy(false);
    if (result.ok) setLastRegistration({ ...result.value, userId: parsed.value });
    else setError(result.error.message);
  };

  return (
    <form className="card form" aria-labelledby="register-title" noValidate onSubmit={(e) => void onSubmit(e)}>
      <h2 id="register-title">Register a device</h2>
      <Field id="register-user" label="User id" hint="The user this device belongs to" error={error}>
        <input
          id="register-user"
          inputMode="numeric"
          autoComplete="off"
          value={userId}
          aria-invalid={error !== undefined}
          aria-describedby={fieldNoteId('register-user')}
          onChange={(e) => setUserId(e.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Registering…' : 'Register'}
        </button>
      </div>
      <div className="register-result" data-testid="register-result">
        {registered === null ? (
          <p className="muted">
            The device gets a WebSocket URL. Open it, then send <code>{'{"topics": ["cats"]}'}</code> to subscribe.
          </p>
        ) : (
          <>
            <QRCodeSVG
              value={registered.url}
              size={148}
              marginSize={2}
              className="qr"
              title="Device URL as a QR code"
            />
            <div className="register-details">
              <p>
                Device URL for user <strong>{registered.userId}</strong>:
              </p>
              <CopyField text={registered.url} testId="register-url" />
              <p className="muted">Scan it on the device or paste it into its WebSocket client.</p>
            </div>
          </>
        )}
      </div>
    </form>
  );
}
