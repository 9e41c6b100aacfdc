/**
 * Saved payloads this browser kept on its own (before the hub kept them) move to the hub once: each
 * is saved there (see `planMigration`), then this browser forgets it. One the hub refuses (over its
 * limits) stays here and is tried again at the next connection, so nothing is lost.
 */
import type { CommandArg, CommandResult, HubConfig } from '../shared/ipc';
import { loadStored, planMigration, storeStored } from './publishLibrary';

type Save = (arg: CommandArg<'savePayload'>) => Promise<CommandResult<'savePayload'>>;

let running = false;

/**
 * Moves this browser's saved payloads to the hub whose config is `config`; answers the hub's config
 * after the last save (null when nothing was saved).
 */
export async function migrateSavedPayloads(
  storage: Storage | undefined,
  config: HubConfig,
  save: Save,
): Promise<HubConfig | null> {
  const stored = loadStored(storage);
  if (running || stored.saved.length === 0) return null;
  running = true;
  try {
    let latest: HubConfig | null = null;
    const kept: typeof stored.saved = [];
    for (const { from, payload } of planMigration(stored.saved, config.savedPayloads)) {
      const result = await save(payload);
      if (result.ok) latest = result.value;
      else if (result.error.code === 'unavailable')
        return latest; // the link dropped: all again next time
      else kept.unshift(from); // back in this browser's order, newest first
    }
    storeStored(storage, { saved: kept, recent: loadStored(storage).recent });
    return latest;
  } finally {
    running = false;
  }
}
