import { useState } from 'react';
import type { CommandResult } from '../../shared/ipc';
import type { SavedPayload } from '../../shared/saved-payloads';
import { entryOf, fieldsOf, loadStored, pageStorage, storeStored, withRecent } from '../publishLibrary';
import { useStore } from '../store';
import type { PublishFields } from './publishForm';

const none: readonly SavedPayload[] = [];

/**
 * The publish form's saved payloads (the hub's: saved, renamed and deleted there, the same in every
 * window) and recent publishes (this browser's storage).
 */
export function usePublishLibrary() {
  const saved = useStore((s) => s.config?.savedPayloads ?? none);
  const [recent, setRecent] = useState(() => loadStored(pageStorage()).recent);
  const [problem, setProblem] = useState<string | null>(null);
  /** Applies the hub's answer: its config (with the new list), or says why it refused. */
  const answer = (result: CommandResult<'savePayload'>): boolean => {
    if (result.ok) useStore.getState().applyConfig(result.value);
    setProblem(result.ok ? null : result.error.message);
    return result.ok;
  };
  const { call } = useStore.getState();
  return {
    library: { saved, recent },
    /** Why the hub refused the last change, or null. */
    problem,
    fieldsOf,
    /** Notes a successful publish among the recent ones (a file's bytes are not kept). */
    published: (fields: PublishFields): void => {
      const entry = entryOf(fields);
      if (entry === null) return;
      // Read again: another tab of this browser may have published meanwhile.
      const stored = loadStored(pageStorage());
      const next = { ...stored, recent: withRecent(stored.recent, entry) };
      setRecent(next.recent);
      storeStored(pageStorage(), next);
    },
    /** Saves the form on the hub under `name`; true once saved. */
    save: async (fields: PublishFields, name: string): Promise<boolean> => {
      const entry = entryOf(fields, name);
      return entry === null ? false : answer(await call('savePayload', { ...entry, name }));
    },
    remove: async (name: string): Promise<boolean> => answer(await call('deletePayload', { name })),
    rename: async (name: string, to: string): Promise<boolean> => answer(await call('renamePayload', { name, to })),
  };
}
