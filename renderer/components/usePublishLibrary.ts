import { useState } from 'react';
import {
  entryOf,
  fieldsOf,
  loadLibrary,
  storeLibrary,
  withoutSaved,
  withRecent,
  withSaved,
  type PublishLibrary,
} from '../publishLibrary';
import type { PublishFields } from './publishForm';

/** The publish form's saved payloads and recent publishes, kept in this browser's storage. */
export function usePublishLibrary() {
  const [library, setLibrary] = useState<PublishLibrary>(() => loadLibrary(globalThis.localStorage));
  const change = (next: PublishLibrary): void => {
    setLibrary(next);
    storeLibrary(globalThis.localStorage, next);
  };
  return {
    library,
    fieldsOf,
    /** Notes a successful publish among the recent ones (a file's bytes are not kept). */
    published: (fields: PublishFields): void => {
      const entry = entryOf(fields);
      if (entry !== null) change(withRecent(loadLibrary(globalThis.localStorage), entry));
    },
    save: (fields: PublishFields, name: string): void => {
      const entry = entryOf(fields, name);
      if (entry !== null) change(withSaved(library, { ...entry, name }));
    },
    remove: (name: string): void => {
      change(withoutSaved(library, name));
    },
  };
}
