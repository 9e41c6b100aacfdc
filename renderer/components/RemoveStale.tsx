import { useState } from 'react';
import type { ClientInfo } from '../../shared/hub';
import { plural } from '../format';
import { useStore } from '../store';

/** The choices of "Remove all disconnected for more than …". */
export const staleChoices: readonly { ms: number; label: string }[] = [
  { ms: 3_600_000, label: '1 hour' },
  { ms: 86_400_000, label: '1 day' },
  { ms: 7 * 86_400_000, label: '7 days' },
  { ms: 0, label: 'any time' },
];

/** How many registrations `removeDisconnected(ms)` would remove now: not connected, last seen `ms` ago or more. */
export function staleCount(clients: ReadonlyMap<string, ClientInfo>, ms: number, now: number = Date.now()): number {
  let count = 0;
  for (const client of clients.values()) if (!client.connected && now - client.lastSeen >= ms) count++;
  return count;
}

/** "Remove all disconnected for more than …": asks first, saying how many will go. */
export function RemoveStale() {
  const [ms, setMs] = useState(86_400_000);
  const [asking, setAsking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState('');
  const label = staleChoices.find((c) => c.ms === ms)?.label ?? '';
  const remove = async (): Promise<void> => {
    setBusy(true);
    const result = await useStore.getState().call('removeDisconnected', { disconnectedForMs: ms });
    setBusy(false);
    setAsking(null);
    setOutcome(result.ok ? `Removed ${plural(result.value.removed, 'registration')}` : result.error.message);
  };
  return (
    <span className="field-inline" data-testid="remove-stale">
      <label className="field-inline">
        <span>Remove disconnected for more than</span>
        <select value={ms} onChange={(e) => setMs(Number(e.target.value))} disabled={asking !== null}>
          {staleChoices.map((c) => (
            <option key={c.ms} value={c.ms}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {asking === null ? (
        <button
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => {
            setOutcome('');
            setAsking(staleCount(useStore.getState().clients, ms));
          }}
        >
          Remove…
        </button>
      ) : (
        <span className="confirm" role="group" aria-label="Confirm: remove disconnected registrations">
          <span className="confirm-question">
            {asking === 0
              ? `None is disconnected${ms === 0 ? '' : ` for more than ${label}`}.`
              : `Remove ${ms === 0 ? `all ${plural(asking, 'disconnected registration')}` : `${plural(asking, 'registration')} disconnected for more than ${label}`}? Their devices must register again.`}
          </span>
          {asking > 0 && (
            <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void remove()}>
              Yes, remove {asking}
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => setAsking(null)}>
            {asking === 0 ? 'OK' : 'Cancel'}
          </button>
        </span>
      )}
      <span role="status" className="muted" data-testid="remove-stale-outcome">
        {outcome}
      </span>
    </span>
  );
}
