import { describe, expect, it } from 'vitest';
import type { CommandResult, HubConfig } from '../shared/ipc';
import type { SavedPayload } from '../shared/saved-payloads';
import { hubConfig } from '../test/renderer/store';
import { libraryKey, loadStored, planMigration, type LibraryEntry } from './publishLibrary';
import { migrateSavedPayloads } from './savedPayloadsMigration';

/** A page's storage (what `localStorage` offers), in memory. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

const entry = (name: string, message: string): LibraryEntry & { name: string } => ({
  name,
  topic: 'lamp',
  userId: '',
  message,
  mode: 'text',
  retain: false,
});
const recent: LibraryEntry = { topic: 'x', userId: '2', message: 'hi', mode: 'text', retain: false };

describe('planMigration', () => {
  it('saves what the hub lacks, skips what it has, renames what clashes, oldest first', () => {
    const hub: SavedPayload[] = [entry('Same', 'a'), entry('Clash', 'hub’s'), entry('Clash (2)', 'hub’s too')];
    const local = [entry('New', 'n'), entry('Same', 'a'), entry('Clash', 'mine'), entry('x'.repeat(120), 'long')];
    expect(planMigration(local, hub).map((step) => step.payload)).toEqual([
      entry('x'.repeat(100), 'long'),
      entry('Clash (3)', 'mine'),
      entry('New', 'n'),
    ]);
    // Run again against the hub that took them: nothing left to do.
    const after = [...hub, ...planMigration(local, hub).map((step) => step.payload)];
    expect(planMigration(local, after)).toEqual([]);
  });
});

describe('migrateSavedPayloads', () => {
  const seed = (storage: Storage): void =>
    storage.setItem(libraryKey, JSON.stringify({ saved: [entry('A', 'a'), entry('B', 'b')], recent: [recent] }));

  it('saves this browser’s payloads on the hub once, then forgets them here (recent publishes stay)', async () => {
    const storage = memoryStorage();
    seed(storage);
    const saved: SavedPayload[] = [];
    const hub = (list: SavedPayload[]): HubConfig => ({ ...hubConfig(), savedPayloads: [...list] });
    const save = (payload: SavedPayload): Promise<CommandResult<'savePayload'>> => {
      saved.unshift(payload);
      return Promise.resolve({ ok: true, value: hub(saved) });
    };
    const config = await migrateSavedPayloads(storage, hub([]), save);
    expect(config?.savedPayloads.map((p) => p.name)).toEqual(['A', 'B']);
    expect(loadStored(storage)).toEqual({ saved: [], recent: [recent] });
    expect(await migrateSavedPayloads(storage, hub(saved), save)).toBeNull();
    expect(saved).toHaveLength(2);
  });

  it('keeps here what the hub refuses, and everything when the link dropped', async () => {
    const storage = memoryStorage();
    seed(storage);
    const refuseA = (payload: SavedPayload): Promise<CommandResult<'savePayload'>> =>
      Promise.resolve(
        payload.name === 'A'
          ? { ok: false, error: { code: 'message_too_large', message: 'too large' } }
          : { ok: true, value: { ...hubConfig(), savedPayloads: [payload] } },
      );
    await migrateSavedPayloads(storage, { ...hubConfig(), savedPayloads: [] }, refuseA);
    expect(loadStored(storage)).toEqual({ saved: [entry('A', 'a')], recent: [recent] });

    seed(storage);
    const offline = (): Promise<CommandResult<'savePayload'>> =>
      Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected' } });
    expect(await migrateSavedPayloads(storage, { ...hubConfig(), savedPayloads: [] }, offline)).toBeNull();
    expect(loadStored(storage).saved.map((e) => e.name)).toEqual(['A', 'B']);
  });
});
