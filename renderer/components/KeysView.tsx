import { useState } from 'react';
import { plural } from '../format';
import { useStore } from '../store';
import type { Store } from '../store/types';
import { EmptyState } from './EmptyState';
import { keyColumns } from './keyColumns';
import { keyState } from './keyForm';
import { useLiveRefresh } from './useLiveRefresh';
import { VirtualTable } from './VirtualTable';

const load = (): Promise<void> => useStore.getState().loadKeys();
// Registrations come and go (a device pairs, a key's devices are removed): the counts follow.
const watch = (s: Store): number => s.clientsShape;

/** Device keys: what each allows, when it was last used, its devices; add a device, create or revoke a key. */
export function KeysView() {
  useLiveRefresh(load, watch);
  const keys = useStore((s) => s.keys);
  const error = useStore((s) => s.keysError);
  const { openKeyDialog } = useStore.getState();
  const active = (keys ?? []).filter((k) => keyState(k) === 'active').length;
  return (
    <section className="view" aria-label="Device keys">
      <div className="toolbar">
        <button type="button" className="btn btn-primary" onClick={() => openKeyDialog('device')}>
          Add a device…
        </button>
        <button type="button" className="btn" onClick={() => openKeyDialog('key')}>
          Create a key…
        </button>
        <span className="toolbar-count" data-testid="key-count" aria-live="polite">
          {keys === null ? '' : `${plural(keys.length, 'key')}, ${formatActive(active)}`}
        </span>
      </div>
      <RevokeBar />
      {error !== null && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {keys === null ? (
        <p className="loading" role="status">
          Loading the keys…
        </p>
      ) : keys.length === 0 ? (
        <EmptyState title="No device keys yet">
          <p>
            A device key lets a device register only as its users and use only its topics — unlike the access token,
            which can do everything. <strong>Add a device</strong> makes one for a phone or a board, with a QR code.
          </p>
        </EmptyState>
      ) : (
        <VirtualTable label="Device keys" columns={keyColumns} rows={keys} rowKey={(k) => k.id} rowTestId="key-row" />
      )}
    </section>
  );
}

const formatActive = (count: number): string => `${count} active`;

/** "Revoke key …? Its devices are disconnected" — the confirmation of a row's Revoke. */
function RevokeBar() {
  const key = useStore((s) => s.keys?.find((k) => k.id === s.keyToRevoke) ?? null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (key === null) return failure === null ? null : <p className="banner banner-error">{failure}</p>;
  const { askRevoke, revokeKey } = useStore.getState();
  return (
    <div className="toolbar toolbar-secondary confirm" role="group" aria-label={`Confirm: revoke key ${key.name}`}>
      <span className="confirm-question">
        {`Revoke “${key.name}” (${key.id})? ${
          key.registrations === 0
            ? 'No device uses it now; it will be refused from now on.'
            : `Its ${plural(key.registrations, 'device')} will be disconnected (close code 4003) and removed.`
        }`}
      </span>
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void revokeKey(key.id).then((message) => {
            setBusy(false);
            setFailure(message);
          });
        }}
      >
        Yes, revoke
      </button>
      <button type="button" className="btn btn-small" onClick={() => askRevoke(null)}>
        Cancel
      </button>
    </div>
  );
}
