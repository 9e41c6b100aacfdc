import { useId, useState } from 'react';
import type { LibraryEntry, PublishLibrary } from '../publishLibrary';

/** One line for an entry: `kitchen/light · {"on":true} · retained`. */
function describe(entry: LibraryEntry): string {
  const body = entry.message.length > 48 ? `${entry.message.slice(0, 47)}…` : entry.message;
  const parts = [entry.topic, entry.mode === 'text' ? body : `${entry.mode} ${body}`];
  if (entry.userId !== '') parts.push(`user ${entry.userId}`);
  if (entry.retain) parts.push('retained');
  return parts.join(' · ');
}

/** Saved payloads (named) and the last publishes: fill the form with one, or send it again. */
export function PublishLibraryPanel({
  library,
  canSave,
  onSave,
  onUse,
  onResend,
  onDelete,
}: {
  library: PublishLibrary;
  canSave: boolean;
  onSave: (name: string) => void;
  onUse: (entry: LibraryEntry) => void;
  onResend: (entry: LibraryEntry) => void;
  onDelete: (name: string) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const save = (event: { preventDefault: () => void }): void => {
    event.preventDefault();
    if (name.trim() === '' || !canSave) return;
    onSave(name.trim());
    setName('');
  };
  return (
    <div className="publish-library" data-testid="publish-library">
      <div className="library-save" role="group" aria-label="Save this payload">
        <label htmlFor={id}>Save as</label>
        <input
          id={id}
          value={name}
          placeholder="Name"
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            // Enter here saves; it must not publish (the publish form is around it).
            if (e.key === 'Enter') save(e);
          }}
        />
        <button type="button" className="btn btn-small" disabled={!canSave || name.trim() === ''} onClick={save}>
          Save payload
        </button>
      </div>
      <EntryList title="Saved payloads" entries={library.saved} onUse={onUse} onResend={onResend} onDelete={onDelete} />
      <EntryList title="Recent publishes" entries={library.recent} onUse={onUse} onResend={onResend} />
    </div>
  );
}

function EntryList({
  title,
  entries,
  onUse,
  onResend,
  onDelete,
}: {
  title: string;
  entries: readonly LibraryEntry[];
  onUse: (entry: LibraryEntry) => void;
  onResend: (entry: LibraryEntry) => void;
  onDelete?: (name: string) => void;
}) {
  if (entries.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul className="library-list">
        {entries.map((entry, i) => {
          const label = entry.name ?? describe(entry);
          return (
            <li key={`${entry.name ?? ''}${i}`} data-testid="library-entry">
              <span className="library-text" title={describe(entry)}>
                {entry.name !== undefined && <strong>{entry.name} </strong>}
                <span className="muted">{describe(entry)}</span>
              </span>
              <button type="button" className="btn btn-small" aria-label={`Use ${label}`} onClick={() => onUse(entry)}>
                Use
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Send again: ${label}`}
                onClick={() => onResend(entry)}
              >
                Send again
              </button>
              {onDelete !== undefined && entry.name !== undefined && (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Delete ${entry.name}`}
                  onClick={() => onDelete(entry.name ?? '')}
                >
                  Delete
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
