import { type FormEvent, useState } from 'react';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { Field, fieldNoteId } from './Field';
import { MessageBodyField } from './MessageBodyField';
import { emptyPublishFields, type PublishErrors, type PublishFields, validatePublish } from './publishForm';
import { PublishLibraryPanel } from './PublishLibraryPanel';
import { PublishOutcome, type PublishOutcomeState } from './PublishOutcome';
import { usePublishLibrary } from './usePublishLibrary';

/** Publish a message (text or bytes) to a topic, optionally only to one user's devices, optionally retained. */
export function PublishForm() {
  const topicNames = useStore(hubSelectors.topicNames);
  const prefill = useStore((s) => s.publishTopic);
  const [fields, setFields] = useState<PublishFields>(() => emptyPublishFields(prefill));
  const [errors, setErrors] = useState<PublishErrors>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<PublishOutcomeState>(null);
  const library = usePublishLibrary();

  const update = (patch: Partial<PublishFields>): void => {
    const next = { ...fields, ...patch };
    setFields(next);
    // Re-check as the operator types only after a first attempt, so errors never shout early.
    if (tried) {
      const checked = validatePublish(next);
      setErrors(checked.ok ? {} : checked.errors);
    }
  };
  const send = async (sent: PublishFields): Promise<void> => {
    setTried(true);
    const checked = validatePublish(sent);
    if (!checked.ok) {
      setErrors(checked.errors);
      setOutcome(null);
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await useStore.getState().call('publish', checked.value);
    setBusy(false);
    setOutcome(
      result.ok
        ? {
            kind: 'delivered',
            count: result.value.delivered,
            topic: checked.value.topic,
            retained: checked.value.retain === true,
            offset: result.value.offset,
            epoch: result.value.epoch,
          }
        : { kind: 'failed', message: result.error.message },
    );
    if (result.ok) library.published(sent);
  };
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void send(fields);
  };

  return (
    <form className="card form" aria-labelledby="publish-title" noValidate onSubmit={onSubmit}>
      <h2 id="publish-title">Publish a message</h2>
      <Field id="publish-topic" label="Topic" error={errors.topic}>
        <input
          id="publish-topic"
          list="known-topics"
          autoComplete="off"
          value={fields.topic}
          aria-invalid={errors.topic !== undefined}
          aria-describedby={fieldNoteId('publish-topic')}
          onChange={(e) => update({ topic: e.target.value })}
        />
        <datalist id="known-topics">
          {topicNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </Field>
      <Field id="publish-user" label="User id" hint="Optional: only this user’s devices" error={errors.userId}>
        <input
          id="publish-user"
          inputMode="numeric"
          autoComplete="off"
          placeholder="Everyone subscribed"
          value={fields.userId}
          aria-invalid={errors.userId !== undefined}
          aria-describedby={fieldNoteId('publish-user')}
          onChange={(e) => update({ userId: e.target.value })}
        />
      </Field>
      <MessageBodyField
        fields={fields}
        error={errors.message}
        onMode={(mode) => update({ mode })}
        onMessage={(message) => update({ message })}
        onFile={(file) => update({ file })}
      />
      <label className="check">
        <input type="checkbox" checked={fields.retain} onChange={(e) => update({ retain: e.target.checked })} />
        <span>
          Retain — keep it as the topic’s last message: devices that subscribe later get it at once (an empty retained
          message clears it)
        </span>
      </label>
      <Field
        id="publish-qos"
        label="MQTT QoS"
        hint="What MQTT subscribers get it with (at most their own QoS)"
        error={undefined}
      >
        <select
          id="publish-qos"
          value={fields.qos}
          aria-describedby={fieldNoteId('publish-qos')}
          onChange={(e) => update({ qos: Number(e.target.value) as 0 | 1 | 2 })}
        >
          <option value={0}>0 — at most once</option>
          <option value={1}>1 — at least once</option>
          <option value={2}>2 — exactly once</option>
        </select>
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Publishing…' : 'Publish'}
        </button>
        <PublishOutcome outcome={outcome} />
      </div>
      <PublishLibraryPanel
        library={library.library}
        canSave={fields.mode !== 'file'}
        problem={library.problem}
        onSave={(name) => library.save(fields, name)}
        onUse={(entry) => setFields(library.fieldsOf(entry))}
        onResend={(entry) => {
          const next = library.fieldsOf(entry);
          setFields(next);
          void send(next);
        }}
        onRename={library.rename}
        onDelete={(name) => void library.remove(name)}
      />
    </form>
  );
}
