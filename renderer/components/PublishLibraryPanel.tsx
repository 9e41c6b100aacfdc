import { useId, useState } from 'react';
import { maxSavedPayloadName } from '../../shared/saved-payloads';
import type { LibraryEntry, PublishLibrary } from '../publishLibrary';
import { LibraryEntryList } from './LibraryEntryList';

/**
 * Saved payloads (named, kept by the hub: the same in every window) and the last publishes (this
 * browser's): fill the form with one, send it again, rename or delete a saved one.
 */
export function PublishLibraryPanel({
  library,
  canSave,
  problem,
  onSave,
  onUse,
  onResend,
  onRename,
  onDelete,
}: {
  library: PublishLibrary;
  canSave: boolean;
  /** Why the hub refused the last change, or null. */
  problem: string | null;
  /** Saves the form under a name; resolves true once the hub saved it. */
  onSave: (name: string) => Promise<boolean>;
  onUse: (entry: LibraryEntry) => void;
  onResend: (entry: LibraryEntry) => void;
  onRename: (name: string, to: string) => Promise<boolean>;
  onDelete: (name: string) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const save = (event: { preventDefault: () => void }): void => {
    event.preventDefault();
    if (name.trim() === '' || !canSave) return;
    void onSave(name.trim()).then((saved) => {
      if (saved) setName('');
    });
  };
  return (
    <div className="publish-library" data-testid="publish-library">
      <div className="library-save" role="group" aria-label="Save this payload">
        <label htmlFor={id}>Save as</label>
        <input
          id={id}
          value={name}
          placeholder="Name"
          maxLength={maxSavedPayloadName}
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
      {problem !== null && (
        <p className="error" role="alert" data-testid="library-problem">
          {problem}
        </p>
      )}
      <LibraryEntryList
        title="Saved payloads"
        entries={library.saved}
        onUse={onUse}
        onResend={onResend}
        onRename={onRename}
        onDelete={onDelete}
      />
      <LibraryEntryList title="Recent publishes" entries={library.recent} onUse={onUse} onResend={onResend} />
    </div>
  );
}
