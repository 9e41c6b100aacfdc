/**
 * The publish form's library, pure: payloads saved by name and the last ones published, kept in
 * this browser's storage (the desktop window's and each dashboard's own), newest first.
 */
import type { PublishFields } from './components/publishForm';

/** A publish as the library keeps it: everything but a file's bytes. */
export interface LibraryEntry {
  /** Set for a saved payload; absent for a recent one. */
  name?: string;
  topic: string;
  userId: string;
  message: string;
  mode: 'text' | 'hex' | 'base64';
  retain: boolean;
}

/** Saved payloads and recent publishes. */
export interface PublishLibrary {
  saved: LibraryEntry[];
  recent: LibraryEntry[];
}

/** Where the library is kept, and how many of each it keeps. */
export const libraryKey = 'relay-hub.publish-library';
export const maxRecent = 10;
export const maxSaved = 50;

const isEntry = (value: unknown): value is LibraryEntry => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.topic === 'string' &&
    typeof entry.userId === 'string' &&
    typeof entry.message === 'string' &&
    (entry.mode === 'text' || entry.mode === 'hex' || entry.mode === 'base64') &&
    typeof entry.retain === 'boolean' &&
    (entry.name === undefined || typeof entry.name === 'string')
  );
};

/** The library as saved (empty when nothing or something unreadable is there). */
export function loadLibrary(storage: Pick<Storage, 'getItem'> | undefined): PublishLibrary {
  try {
    const raw = JSON.parse(storage?.getItem(libraryKey) ?? 'null') as { saved?: unknown; recent?: unknown } | null;
    const list = (value: unknown, max: number): LibraryEntry[] =>
      Array.isArray(value) ? value.filter(isEntry).slice(0, max) : [];
    return { saved: list(raw?.saved, maxSaved), recent: list(raw?.recent, maxRecent) };
  } catch {
    return { saved: [], recent: [] };
  }
}

/** Saves the library (a full or missing storage only loses it). */
export function storeLibrary(storage: Pick<Storage, 'setItem'> | undefined, library: PublishLibrary): void {
  try {
    storage?.setItem(libraryKey, JSON.stringify(library));
  } catch {
    // Storage full or refused: the library lives until the page closes.
  }
}

/** The form as an entry, or null for a file (its bytes are not kept). */
export function entryOf(fields: PublishFields, name?: string): LibraryEntry | null {
  if (fields.mode === 'file') return null;
  const { topic, userId, message, mode, retain } = fields;
  return { ...(name === undefined ? {} : { name }), topic: topic.trim(), userId: userId.trim(), message, mode, retain };
}

/** The form filled from an entry. */
export function fieldsOf(entry: LibraryEntry): PublishFields {
  const { topic, userId, message, mode, retain } = entry;
  return { topic, userId, message, mode, retain, qos: 0, file: null };
}

const samePublish = (a: LibraryEntry, b: LibraryEntry): boolean =>
  a.topic === b.topic && a.userId === b.userId && a.message === b.message && a.mode === b.mode && a.retain === b.retain;

/** The library with `entry` first among the recent publishes (once), the oldest falling off. */
export function withRecent(library: PublishLibrary, entry: LibraryEntry): PublishLibrary {
  const { name: _name, ...recent } = entry;
  return { ...library, recent: [recent, ...library.recent.filter((e) => !samePublish(e, recent))].slice(0, maxRecent) };
}

/** The library with `entry` saved under its name (replacing one of the same name). */
export function withSaved(library: PublishLibrary, entry: LibraryEntry & { name: string }): PublishLibrary {
  return { ...library, saved: [entry, ...library.saved.filter((e) => e.name !== entry.name)].slice(0, maxSaved) };
}

/** The library without the saved payload of that name. */
export function withoutSaved(library: PublishLibrary, name: string): PublishLibrary {
  return { ...library, saved: library.saved.filter((e) => e.name !== name) };
}
