/**
 * The publish form's library, pure: payloads saved by name (the hub's, in its config: the same in the
 * desktop window and every dashboard) and the last ones published (this browser's storage, newest
 * first). Saved payloads this browser kept before the hub did are moved to the hub once
 * (`planMigration`, run by `savedPayloadsMigration.ts`).
 */
import { maxSavedPayloadName, type SavedPayload } from '../shared/saved-payloads';
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

/** Saved payloads (the hub's) and recent publishes (this browser's). */
export interface PublishLibrary {
  saved: readonly SavedPayload[];
  recent: LibraryEntry[];
}

/** Where this browser keeps its recent publishes (and, before the hub kept them, its saved payloads). */
export const libraryKey = 'relay-hub.publish-library';
export const maxRecent = 10;
/** Most saved payloads this browser kept on its own (older builds). */
const maxLegacySaved = 50;

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

/** This page's storage, or undefined where the browser refuses it (reading `localStorage` may throw). */
export function pageStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

interface StoredLibrary {
  saved: (LibraryEntry & { name: string })[];
  recent: LibraryEntry[];
}

/** What this browser keeps (empty when nothing or something unreadable is there). */
export function loadStored(storage: Pick<Storage, 'getItem'> | undefined): StoredLibrary {
  try {
    const raw = JSON.parse(storage?.getItem(libraryKey) ?? 'null') as { saved?: unknown; recent?: unknown } | null;
    const list = (value: unknown, max: number): LibraryEntry[] =>
      Array.isArray(value) ? value.filter(isEntry).slice(0, max) : [];
    const saved = list(raw?.saved, maxLegacySaved).filter((e): e is LibraryEntry & { name: string } => !!e.name);
    return { saved, recent: list(raw?.recent, maxRecent) };
  } catch {
    return { saved: [], recent: [] };
  }
}

/** Saves what this browser keeps (a full or missing storage only loses it). */
export function storeStored(storage: Pick<Storage, 'setItem'> | undefined, stored: StoredLibrary): void {
  try {
    storage?.setItem(libraryKey, JSON.stringify(stored));
  } catch {
    // Storage full or refused: the recent publishes live until the page closes.
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

/** The recent publishes with `entry` first (once), the oldest falling off. */
export function withRecent(recent: readonly LibraryEntry[], entry: LibraryEntry): LibraryEntry[] {
  const { name: _name, ...publish } = entry;
  return [publish, ...recent.filter((e) => !samePublish(e, publish))].slice(0, maxRecent);
}

/** One of this browser's saved payloads, and what to save on the hub for it. */
export interface MigrationStep {
  from: LibraryEntry & { name: string };
  payload: SavedPayload;
}

/**
 * What to save on the hub of this browser's own saved payloads: each one the hub does not hold
 * already (same name, same publish), under its name, or `name (2)`, `name (3)`… when the hub (or an
 * earlier one of the list) has that name for another publish. Oldest first, so the newest ends first.
 */
export function planMigration(
  local: readonly (LibraryEntry & { name: string })[],
  hub: readonly SavedPayload[],
): MigrationStep[] {
  const taken = new Map<string, LibraryEntry>(hub.map((p) => [p.name, p]));
  const plan: MigrationStep[] = [];
  for (const from of [...local].reverse()) {
    const { topic, userId, message, mode, retain } = from;
    const publish = { topic, userId, message, mode, retain };
    // Names were not bounded here before: cut to what the hub takes.
    const base = from.name.trim().slice(0, maxSavedPayloadName) || 'Saved payload';
    let name = base;
    for (let n = 2; taken.has(name) && !samePublish(taken.get(name) ?? from, publish); n++) {
      name = `${base.slice(0, maxSavedPayloadName - 8)} (${n})`;
    }
    if (taken.has(name)) continue; // the hub has it already
    taken.set(name, publish);
    plan.push({ from, payload: { name, ...publish } });
  }
  return plan;
}
