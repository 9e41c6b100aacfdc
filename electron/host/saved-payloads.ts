/**
 * Where the operator's saved payloads live: `<data dir>/saved-payloads.json` (the desktop app's data
 * dir is its user-data folder, beside `settings.json`), replaced whole and atomically on every change;
 * without a data dir, in memory until the hub stops. The list is immutable: a change makes a new
 * one, so the feed tells a change by identity without comparing its contents.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  maxSavedPayloads,
  maxSavedPayloadsBytes,
  parseSavedPayload,
  savedMessageBytes,
  type SavedPayload,
} from '../../shared/saved-payloads';
import { writeFileAtomic } from '../relay/index';

/** A change the hub refuses: unknown name, name taken, or over the bounds (a command's stable code). */
export class SavedPayloadError extends Error {
  constructor(
    readonly code: 'not_found' | 'name_taken' | 'too_many_saved_payloads',
    message: string,
  ) {
    super(message);
    this.name = 'SavedPayloadError';
  }
}

/** The saved payloads of a hub. */
export interface SavedPayloads {
  /** Newest first; the same array until something changes. */
  list(): readonly SavedPayload[];
  /** Saves `payload` first, replacing one of its name (checked already against the hub's limits). */
  save(payload: SavedPayload): void;
  /** Deletes the payload of that name. */
  remove(name: string): void;
  /** Renames a payload, keeping its place. */
  rename(name: string, to: string): void;
  /** The file, or null when they live in memory. */
  readonly path: string | null;
}

const fileName = 'saved-payloads.json';

/**
 * Opens the saved payloads of `dataDir` (null: in memory). A file that is not JSON is moved aside
 * (`saved-payloads.json.damaged`) and a damaged entry skipped, each with a warning; a write that
 * fails throws and changes nothing.
 */
export function openSavedPayloads(dataDir: string | null, warn: (message: string) => void): SavedPayloads {
  const path = dataDir === null ? null : join(dataDir, fileName);
  let list: readonly SavedPayload[] = Object.freeze(path === null ? [] : load(path, warn));

  const commit = (next: SavedPayload[]): void => {
    if (path !== null) {
      mkdirSync(dataDir ?? '.', { recursive: true });
      writeFileAtomic(path, `${JSON.stringify({ version: 1, payloads: next }, null, 1)}\n`);
    }
    list = Object.freeze(next);
  };
  const indexOf = (name: string): number => {
    const index = list.findIndex((payload) => payload.name === name);
    if (index === -1) throw new SavedPayloadError('not_found', `no saved payload named ${JSON.stringify(name)}`);
    return index;
  };

  return {
    list: () => list,
    save(payload) {
      const next = [payload, ...list.filter((p) => p.name !== payload.name)];
      if (next.length > maxSavedPayloads) {
        const problem = `this hub keeps at most ${maxSavedPayloads} saved payloads; delete one first`;
        throw new SavedPayloadError('too_many_saved_payloads', problem);
      }
      const bytes = next.reduce((sum, p) => sum + savedMessageBytes(p.message), 0);
      if (bytes > maxSavedPayloadsBytes) {
        const problem = `saved payloads hold at most ${maxSavedPayloadsBytes} bytes together (this one would make ${bytes}); delete one first`;
        throw new SavedPayloadError('too_many_saved_payloads', problem);
      }
      commit(next);
    },
    remove(name) {
      const index = indexOf(name);
      commit(list.filter((_, i) => i !== index));
    },
    rename(name, to) {
      const index = indexOf(name);
      if (to === name) return;
      if (list.some((p) => p.name === to)) {
        throw new SavedPayloadError('name_taken', `a saved payload is already named ${JSON.stringify(to)}`);
      }
      commit(list.map((p, i) => (i === index ? { ...p, name: to } : p)));
    },
    path,
  };
}

/**
 * Read back with the bounds of the file itself, not the hub's current limits: a hub started once with
 * a smaller message limit must not drop what was saved under a larger one at its next write.
 */
const fileLimits = { maxMessageBytes: maxSavedPayloadsBytes, maxTopicLength: 65_536 };

/** The payloads in the file (none without one), each checked as a `savePayload` would be. */
function load(path: string, warn: (message: string) => void): SavedPayload[] {
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // Moved aside, not overwritten by the next change: the operator may still mend it by hand.
    const aside = `${path}.damaged`;
    let where = `moved to ${aside}`;
    try {
      renameSync(path, aside);
    } catch (renameError) {
      where = `left in place (${(renameError as Error).message}): the next saved payload replaces it`;
    }
    warn(`cannot read ${path}: ${(error as Error).message}; ${where}; starting without saved payloads`);
    return [];
  }
  const items = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(items)) {
    warn(`${path} holds no "payloads" list; it is skipped`);
    return [];
  }
  const payloads: SavedPayload[] = [];
  let bytes = 0;
  for (const [index, item] of items.entries()) {
    const checked = parseSavedPayload(item, fileLimits);
    if (!checked.ok) {
      warn(`saved payload ${index} of ${path} is skipped: ${checked.message}`);
      continue;
    }
    const size = savedMessageBytes(checked.value.message);
    const duplicate = payloads.some((p) => p.name === checked.value.name);
    if (duplicate || payloads.length >= maxSavedPayloads || bytes + size > maxSavedPayloadsBytes) {
      warn(`saved payload ${index} of ${path} is skipped: a duplicate name, or over the hub's bounds`);
      continue;
    }
    bytes += size;
    payloads.push(checked.value);
  }
  return payloads;
}
