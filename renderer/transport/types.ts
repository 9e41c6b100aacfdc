import type { CommandArg, CommandName, CommandResult, HubUpdate } from '../../shared/ipc';

/** Link state of a transport. `unauthorized` means the hub refused the admin token. */
export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; retryInMs: number }
  | { kind: 'unauthorized'; reason: 'missing' | 'refused' };

/** How the store reaches the hub: Electron IPC or the dashboard's admin WebSocket. */
export interface Transport {
  /** How exports are saved: a file picked in the desktop app's save dialog, or a browser download. */
  readonly saves: 'file' | 'download';
  /** Runs a command; never rejects (transport failures answer `{ok:false, error:{code:'unavailable'}}`). */
  call<K extends CommandName>(name: K, arg: CommandArg<K>): Promise<CommandResult<K>>;
  /** Subscribes to coalesced hub pushes; returns the unsubscribe function. */
  onUpdate(fn: (update: HubUpdate) => void): () => void;
  /** Subscribes to link changes (called at once with the current state); returns the unsubscribe function. */
  onLink(fn: (state: LinkState) => void): () => void;
  /** Supplies a new admin token and reconnects (no-op for IPC). */
  setToken(token: string): void;
  /** Closes the link for good. */
  close(): void;
}

/** The failure every transport answers when the hub cannot be reached. */
export function unavailable<K extends CommandName>(message: string): CommandResult<K> {
  return { ok: false, error: { code: 'unavailable', message } };
}
