import { useState } from 'react';
import { maxSavedPayloadName } from '../../shared/saved-payloads';
import type { LibraryEntry } from '../publishLibrary';

/** One line for an entry: `kitchen/light · {"on":true} · retained`. */
export function describeEntry(entry: LibraryEntry): string {
  const body = entry.message.length > 48 ? `${entry.message.slice(0, 47)}…` : entry.message;
  const parts = [entry.topic, entry.mode === 'text' ? body : `${entry.mode} ${body}`];
  if (entry.userId !== '') parts.push(`user ${entry.userId}`);
  if (entry.retain) parts.push('retained');
  return parts.join(' · ');
}

/** A list of saved payloads or recent publishes; saved ones may be renamed (in place) and deleted. */
export function LibraryEntryList({
  title,
  entries,
  onUse,
  onResend,
  onRename,
  onDelete,
}: {
  title: string;
  entries: readonly LibraryEntry[];
  onUse: (entry: LibraryEntry) => void;
  onResend: (entry: LibraryEntry) => void;
  onRename?: (name: string, to: string) => Promise<boolean>;
  onDelete?: (name: string) => void;
}) {
  const [renaming, setRenaming] = useState<{ name: string; draft: string } | null>(null);
  if (entries.length === 0) return null;
  const rename = (event: { preventDefault: () => void }): void => {
    event.preventDefault();
    if (renaming === null || onRename === undefined || renaming.draft.trim() === '') return;
    void onRename(renaming.name, renaming.draft.trim()).then((done) => {
      if (done) setRenaming(null);
    });
  };
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul className="library-list">
        {entries.map((entry, i) => {
          const label = entry.name ?? describeEntry(entry);
          const named = entry.name;
          if (named !== undefined && renaming?.name === named) {
            return (
              <li key={`${named}${i}`} data-testid="library-entry">
                <input
                  aria-label={`New name for ${named}`}
                  value={renaming.draft}
                  maxLength={maxSavedPayloadName}
                  autoFocus
                  onChange={(e) => setRenaming({ name: named, draft: e.target.value })}
                  onKeyDown={(e) => {
                    // Enter renames, Escape gives up; neither publishes (the form is around it).
                    if (e.key === 'Enter') rename(e);
                    if (e.key === 'Escape') setRenaming(null);
                  }}
                />
                <button type="button" className="btn btn-small" onClick={rename}>
                  Rename
                </button>
                <button type="button" className="btn btn-small" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </li>
            );
          }
          return (
            <li key={`${named ?? ''}${i}`} data-testid="library-entry">
              <span className="library-text" title={describeEntry(entry)}>
                {named !== undefined && <strong>{named} </strong>}
                <span className="muted">{describeEntry(entry)}</span>
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
              {named !== undefined && onRename !== undefined && (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Rename ${named}`}
                  onClick={() => setRenaming({ name: named, draft: named })}
                >
                  Rename
                </button>
              )}
              {named !== undefined && onDelete !== undefined && (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Delete ${named}`}
                  onClick={() => onDelete(named)}
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
