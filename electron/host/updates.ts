/**
 * "Check for updates" (desktop app, opt-in): asks the release feed (electron-updater's
 * `checkForUpdates()`, the `publish` feed of electron-builder.yml) whether a newer version exists,
 * and keeps the answer for the GUI. Never downloads or installs anything: the operator gets the
 * version and the result, and the release page does the rest. Off unless the setting is on, and
 * never for the portable build (it cannot replace itself). Plain Node: the feed is injected, so
 * the Electron main passes electron-updater's `autoUpdater` and the tests a real updater that
 * reads a feed from a local HTTP server.
 */
import type { CommandName, CommandResult } from '../../shared/ipc';
import type { UpdateState } from '../../shared/updates';

export type { UpdateState } from '../../shared/updates';

/** The part of electron-updater's AppUpdater this uses. */
export interface UpdateFeed {
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null>;
}

/** Options of `createUpdateChecker`. */
export interface UpdateCheckerOptions {
  /** The running app's version (package.json). */
  currentVersion: string;
  /** Whether the operator turned the check on (read at every check). */
  enabled: () => boolean;
  /** Why this build cannot update itself (the portable build, an unpacked run), or null. */
  unsupported: string | null;
  /** The feed, made on first use (electron-updater's `autoUpdater` is only built when asked for). */
  feed: () => UpdateFeed;
  /** Longest wait for the feed (default 30 s). */
  timeoutMs?: number;
  now?: () => number;
}

/** The update checker: its state, a check, and a listener for the GUI. */
export interface UpdateChecker {
  readonly currentVersion: string;
  state(): UpdateState;
  /** Checks now (when enabled and supported); resolves with the new state. */
  check(): Promise<UpdateState>;
  onChange(listener: (state: UpdateState) => void): () => void;
}

/** Why this run cannot update itself: the portable Windows build (electron-builder sets PORTABLE_EXECUTABLE_DIR), or null. */
export function unsupportedReason(env: Record<string, string | undefined>, isPackaged: boolean): string | null {
  if (env.PORTABLE_EXECUTABLE_DIR !== undefined) return 'the portable build does not update itself';
  if (!isPackaged) return 'not an installed build (run from source)';
  return null;
}

export function createUpdateChecker(options: UpdateCheckerOptions): UpdateChecker {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const listeners = new Set<(state: UpdateState) => void>();
  let feed: UpdateFeed | null = null;
  let running: Promise<UpdateState> | null = null;
  /** Why no check may run now (unsupported, or off), or null. */
  const blocked = (): UpdateState | null => {
    if (options.unsupported !== null) return { kind: 'unsupported', reason: options.unsupported };
    return options.enabled() ? null : { kind: 'off' };
  };
  let current: UpdateState = { kind: 'idle' };
  const set = (state: UpdateState): UpdateState => {
    current = state;
    for (const listener of listeners) listener(state);
    return state;
  };

  const ask = async (): Promise<UpdateState> => {
    set({ kind: 'checking' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      feed ??= options.feed();
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the release feed did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      const result = await Promise.race([feed.checkForUpdates(), late]);
      if (result === null) return set({ kind: 'failed', message: 'the updater is not active', checkedAt: now() });
      return set(
        result.isUpdateAvailable
          ? { kind: 'available', version: result.updateInfo.version, checkedAt: now() }
          : { kind: 'current', checkedAt: now() },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
      return set({ kind: 'failed', message: message ?? 'unknown error', checkedAt: now() });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    currentVersion: options.currentVersion,
    state: () => blocked() ?? (current.kind === 'off' || current.kind === 'unsupported' ? { kind: 'idle' } : current),
    check() {
      const state = blocked();
      if (state !== null) return Promise.resolve(set(state));
      running ??= ask().finally(() => (running = null));
      return running;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The `checkForUpdates` command: `{ now: boolean }` → the version and the state (`now`: after asking the feed). */
export async function runUpdateCommand(
  checker: UpdateChecker,
  arg: unknown,
): Promise<CommandResult<'checkForUpdates'> | CommandResult<CommandName>> {
  const now = typeof arg === 'object' && arg !== null ? (arg as { now?: unknown }).now : undefined;
  if (typeof now !== 'boolean') {
    return { ok: false, error: { code: 'invalid_body', message: 'checkForUpdates takes {"now": true|false}' } };
  }
  const state = now ? await checker.check() : checker.state();
  return { ok: true, value: { version: checker.currentVersion, state } };
}
