import { useCallback, useState } from 'react';
import type { WebhookInfo } from '../../shared/webhooks';
import { formatCount } from '../format';
import { useStore } from '../store';
import type { Store } from '../store/types';
import { EmptyState } from './EmptyState';
import { useLiveRefresh } from './useLiveRefresh';
import { WebhookForm } from './WebhookForm';

// Deliveries follow publishes: the table follows the published count.
const watch = (s: Store): number => s.stats.published;

/** Webhooks: add one, and see each one's last status, latency, backlog and failures; send a test; remove. */
export function WebhooksView() {
  const [hooks, setHooks] = useState<WebhookInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async (): Promise<void> => {
    const result = await useStore.getState().call('listWebhooks', null);
    if (result.ok) setHooks(result.value.webhooks);
    else setError(result.error.message);
  }, []);
  useLiveRefresh(load, watch, { everyMs: 2_000 });
  return (
    <section className="view" aria-label="Webhooks">
      <WebhookForm onAdded={() => void load()} />
      {error !== null && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {hooks === null ? (
        <p className="loading" role="status">
          Loading the webhooks…
        </p>
      ) : hooks.length === 0 ? (
        <EmptyState title="No webhooks yet">
          <p>
            A webhook POSTs every message of its topics to a URL, in order per topic, again until the receiver answers
            2xx, from the history: nothing is lost while it is down.
          </p>
        </EmptyState>
      ) : (
        <table className="webhook-table" aria-label="Webhooks">
          <thead>
            <tr>
              <th>URL</th>
              <th>Topics</th>
              <th>Last status</th>
              <th>Latency</th>
              <th>Backlog</th>
              <th>Delivered</th>
              <th>Failures</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hooks.map((hook) => (
              <WebhookRow key={hook.id} hook={hook} onChange={() => void load()} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WebhookRow({ hook, onChange }: { hook: WebhookInfo; onChange: () => void }) {
  const [test, setTest] = useState<string | null>(null);
  const { call } = useStore.getState();
  const sendTest = (): void => {
    setTest('sending…');
    void call('testWebhook', { id: hook.id }).then((result) => {
      if (!result.ok) return setTest(result.error.message);
      const { status, latencyMs, error } = result.value;
      setTest(status === 0 ? `no answer: ${error ?? ''}` : `HTTP ${status} in ${latencyMs} ms`);
    });
  };
  const remove = (): void => void call('removeWebhook', { id: hook.id }).then(onChange);
  const failures = `${formatCount(hook.failures)}${hook.rejected > 0 ? ` (${formatCount(hook.rejected)} refused)` : ''}`;
  return (
    <tr data-testid="webhook-row">
      <td title={hook.signed ? 'signed' : 'not signed'}>{hook.url}</td>
      <td>{hook.filters.join(', ')}</td>
      <td title={hook.lastError ?? ''}>{hook.lastStatus === null ? '—' : hook.lastStatus || 'no answer'}</td>
      <td>{hook.lastLatencyMs === null ? '—' : `${hook.lastLatencyMs} ms`}</td>
      <td data-testid="webhook-backlog">{formatCount(hook.backlog)}</td>
      <td>{formatCount(hook.delivered)}</td>
      <td>
        {failures}
        {hook.fellBehind > 0 && ` · fell behind ${formatCount(hook.fellBehind)}×`}
      </td>
      <td>
        <button type="button" className="btn" onClick={sendTest}>
          Send test
        </button>{' '}
        <button type="button" className="btn" onClick={remove}>
          Remove
        </button>
        {test !== null && <span className="toolbar-count"> {test}</span>}
      </td>
    </tr>
  );
}
