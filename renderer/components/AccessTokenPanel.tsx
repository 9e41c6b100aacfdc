import { useEffect, useState } from 'react';
import type { CommandResult } from '../../shared/ipc';
import { accessTokenProblem } from '../../shared/settings';
import { copyText } from '../clipboard';
import { useStore } from '../store';
import { ConfirmButton } from './ConfirmButton';
import { fieldNoteId } from './Field';

type TokenResult = CommandResult<'rotateAccessToken'> | CommandResult<'setAccessToken'>;

interface Props {
  persisted: boolean;
  /** The headless hub's --token-file: changes are written to it, and the token cannot be removed here. */
  tokenFile: string | null;
}

/** The access token: masked with Reveal and Copy; Rotate, choose your own, or Remove (open hub), each confirmed. */
export function AccessTokenPanel({ persisted, tokenFile }: Props) {
  const required = useStore((s) => s.security.tokenRequired);
  const [token, setToken] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [own, setOwn] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // Read the token when the panel opens and whenever it changes (here, in another window, or by SIGHUP).
  useEffect(() => {
    let live = true;
    void useStore
      .getState()
      .call('getAccessToken', null)
      .then((result) => {
        if (live && result.ok) setToken(result.value.token);
      });
    return () => {
      live = false;
    };
  }, [required]);

  const run = async (pending: Promise<TokenResult>, done: string): Promise<void> => {
    const result = await pending;
    if (!result.ok) {
      setMessage({ ok: false, text: result.error.message });
      return;
    }
    setToken(result.value.token);
    setMessage({ ok: true, text: tokenFile ? `${done} Written to ${tokenFile}.` : done });
  };
  const { call } = useStore.getState();
  const rotate = () => run(call('rotateAccessToken', null), 'New token in force: give it to your devices.');
  const remove = () => run(call('setAccessToken', { token: null }), 'Token removed: the hub is open.');
  const ownProblem = own === '' ? undefined : (accessTokenProblem(own) ?? undefined);
  const applyOwn = (): void => {
    if (own === '' || ownProblem !== undefined) return;
    void run(call('setAccessToken', { token: own }), 'Your token is in force.').then(() => setOwn(''));
  };

  const where = tokenFile
    ? `Read from ${tokenFile}: a token set here is written to that file.`
    : persisted
      ? 'Saved with the app’s settings in its user-data folder (encrypted by the system keychain when available, else plain text).'
      : 'This hub keeps a token set here in memory only: it lasts until the hub stops (start it with --token to keep one).';
  return (
    <div className="token-panel" data-testid="token-panel">
      <h3>Access token</h3>
      <p className="muted">
        {required
          ? 'Required on register, unregister and publish (Authorization: Bearer …). Devices’ socket URLs keep working when it changes.'
          : 'None: anyone on this network can register and publish. Generate a token to lock the hub.'}
      </p>
      {token !== null && (
        <div className="token-row">
          <code className="token-value" data-testid="access-token" aria-label="Access token">
            {revealed ? token : '•'.repeat(Math.min(token.length, 32))}
          </code>
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={revealed}
            onClick={() => setRevealed(!revealed)}
          >
            {revealed ? 'Hide' : 'Reveal'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void copyText(token).then((ok) => setMessage({ ok, text: ok ? 'Token copied.' : 'Copy failed.' }))
            }
          >
            Copy
          </button>
        </div>
      )}
      <div className="token-actions">
        {token === null ? (
          <button type="button" className="btn btn-primary" onClick={() => void rotate()}>
            Generate a token
          </button>
        ) : (
          <>
            <ConfirmButton
              label="Rotate"
              question="Devices using the current token will be refused."
              onConfirm={rotate}
            />
            {tokenFile === null && (
              <ConfirmButton
                label="Remove (open hub)"
                question="Anyone on the network will be able to publish."
                danger
                onConfirm={remove}
              />
            )}
          </>
        )}
        <span className="token-own">
          <input
            id="own-token"
            value={own}
            placeholder="Or your own (16+ characters)"
            aria-label="Your own access token"
            aria-invalid={ownProblem !== undefined}
            aria-describedby={fieldNoteId('own-token')}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setOwn(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault(); // not the settings form's submit
              applyOwn();
            }}
          />
          <button
            type="button"
            className="btn btn-small"
            disabled={own === '' || ownProblem !== undefined}
            onClick={applyOwn}
          >
            Use this token
          </button>
        </span>
      </div>
      <p
        className={(ownProblem ?? message?.ok === false) ? 'field-error' : 'field-hint'}
        id={fieldNoteId('own-token')}
        role="status"
      >
        {ownProblem ?? message?.text ?? where}
      </p>
    </div>
  );
}
