import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { CreateKeyResponse, DeviceKeyListing, PairResponse } from '../../shared/keys';
import { useStore } from '../store';
import type { KeyDialog as Mode } from '../store/types';
import { emptyKeyFields, type KeyErrors, type KeyFields, validateKey, validatePairing } from './keyForm';
import { KeyScopeForm } from './KeyScopeForm';
import { KeySecret, PairingResult } from './PairingResult';

type Done = { kind: 'device'; pairing: PairResponse } | { kind: 'key'; created: CreateKeyResponse };

// Stable empties: a selector that returns a new [] each time re-renders for ever.
const noUrls: readonly string[] = [];
const noKeys: readonly DeviceKeyListing[] = [];

const titles: Record<Mode, string> = { device: 'Add a device', key: 'Create a device key' };

/** The modal "Add a device" / "Create a key" dialog: the form, then its result (shown once). */
export function KeyDialog({ mode }: { mode: Mode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const urls = useStore((s) => s.status.listen?.urls ?? noUrls);
  const keys = useStore((s) => s.keys ?? noKeys);
  const [fields, setFields] = useState<KeyFields>(() => emptyKeyFields(urls[0] ?? ''));
  const [errors, setErrors] = useState<KeyErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const close = (): void => useStore.getState().openKeyDialog(null);

  useEffect(() => {
    // The focus goes back where it was (the button that opened the dialog) when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      if (opener?.isConnected === true) opener.focus();
    };
  }, []);
  useEffect(() => {
    const dialog = ref.current;
    // jsdom has no showModal: there the dialog is simply open.
    if (dialog !== null && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    if (useStore.getState().keys === null) void useStore.getState().loadKeys();
  }, []);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const { call } = useStore.getState();
    const pairing = mode === 'device' ? validatePairing(fields) : null;
    const key = mode === 'key' ? validateKey(fields) : null;
    const checked = pairing ?? key;
    if (checked === null) return;
    setErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return;
    setBusy(true);
    setFailure(null);
    if (pairing?.ok === true) {
      const result = await call('pairDevice', pairing.value);
      if (result.ok) setDone({ kind: 'device', pairing: result.value });
      else setFailure(result.error.message);
    } else if (key?.ok === true) {
      const result = await call('createKey', key.value);
      if (result.ok) setDone({ kind: 'key', created: result.value });
      else setFailure(result.error.message);
    }
    setBusy(false);
  };

  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby="key-dialog-title"
      data-testid="key-dialog"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-labelledby="key-dialog-title">
        <h2 id="key-dialog-title">{titles[mode]}</h2>
        {done === null ? (
          <>
            <p className="muted modal-intro">
              {mode === 'device'
                ? 'Makes a key for this one device and its topics, and a link for its phone page (or a snippet for a board).'
                : 'A key lets devices register as its users and use its topics — nothing else.'}
            </p>
            <KeyScopeForm mode={mode} fields={fields} errors={errors} keys={keys} urls={urls} onChange={setFields} />
          </>
        ) : done.kind === 'device' ? (
          <PairingResult pairing={done.pairing} />
        ) : (
          <KeySecret created={done.created} />
        )}
        {failure !== null && (
          <p className="error" role="alert">
            {failure}
          </p>
        )}
        <div className="form-actions modal-actions">
          {done === null ? (
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Creating…' : mode === 'device' ? 'Create the link' : 'Create the key'}
            </button>
          ) : (
            <button
              type="button"
              className="btn"
              onClick={() => {
                setDone(null);
                setFields(emptyKeyFields(urls[0] ?? ''));
              }}
            >
              {mode === 'device' ? 'Add another device' : 'Create another key'}
            </button>
          )}
          <button type="button" className="btn" onClick={close}>
            {done === null ? 'Cancel' : 'Done'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
