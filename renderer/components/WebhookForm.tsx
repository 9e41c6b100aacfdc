import { type FormEvent, useState } from 'react';
import { parseWebhookRequest } from '../../shared/webhooks';
import { useStore } from '../store';
import { Field, fieldNoteId } from './Field';

/** Adds a webhook: its URL, the topic filters it gets, an optional signing secret. */
export function WebhookForm({ onAdded }: { onAdded: () => void }) {
  const [url, setUrl] = useState('');
  const [filters, setFilters] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const request = {
      url: url.trim(),
      filters: filters.split(/[\s,]+/).filter((f) => f !== ''),
      secret: secret || null,
    };
    const parsed = parseWebhookRequest(request);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setBusy(true);
    void useStore
      .getState()
      .call('addWebhook', parsed.value)
      .then((result) => {
        setBusy(false);
        if (!result.ok) return setError(result.error.message);
        setError(undefined);
        setUrl('');
        setFilters('');
        setSecret('');
        onAdded();
      });
  };
  return (
    <form className="webhook-form" aria-label="Add a webhook" onSubmit={submit}>
      <Field id="webhook-url" label="URL" hint="http:// or https://, POSTed every matching message" error={error}>
        <input
          id="webhook-url"
          data-testid="webhook-url"
          value={url}
          placeholder="https://example.com/hook"
          aria-describedby={fieldNoteId('webhook-url')}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
      <Field id="webhook-filters" label="Topics" hint="Filters, + and # allowed: sensors/#" error={undefined}>
        <input
          id="webhook-filters"
          data-testid="webhook-filters"
          value={filters}
          placeholder="sensors/#"
          aria-describedby={fieldNoteId('webhook-filters')}
          onChange={(e) => setFilters(e.target.value)}
        />
      </Field>
      <Field id="webhook-secret" label="Secret" hint="Optional: signs each body (HMAC-SHA256)" error={undefined}>
        <input
          id="webhook-secret"
          type="password"
          autoComplete="off"
          value={secret}
          aria-describedby={fieldNoteId('webhook-secret')}
          onChange={(e) => setSecret(e.target.value)}
        />
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="webhook-add">
        Add webhook
      </button>
    </form>
  );
}
