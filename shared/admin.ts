/**
 * The browser dashboard's transport: the same commands and pushes as the Electron IPC bridge,
 * as JSON text frames over the hub's admin WebSocket.
 *
 * - The dashboard page is served at `/dashboard/`; the operator opens
 *   `http://<host>:<port>/dashboard/#token=<admin token>`.
 * - The page connects to `ws://<host>:<port>/admin?token=<admin token>`. A missing or wrong
 *   token is refused with HTTP 401 (JSON error body, code `unauthorized`) before any upgrade.
 */
import type { CommandName, CommandResult, HubUpdate } from './ipc';

/** Path of the dashboard page (served from the built renderer). */
export const dashboardPath = '/dashboard/';
/** Path of the admin WebSocket. */
export const adminSocketPath = '/admin';

/** Page → hub: run a command. `id` is echoed in the result. */
export interface AdminCommandFrame {
  type: 'command';
  id: number;
  name: CommandName;
  arg: unknown;
}

/** Hub → page frames. */
export type AdminServerFrame =
  { type: 'result'; id: number; result: CommandResult<CommandName> } | { type: 'update'; update: HubUpdate };

/** Parses a page → hub frame; null when it is not a well-formed command frame. */
export function parseAdminCommandFrame(text: string): AdminCommandFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame.type !== 'command' || typeof frame.name !== 'string') return null;
  if (typeof frame.id !== 'number' || !Number.isSafeInteger(frame.id)) return null;
  return { type: 'command', id: frame.id, name: frame.name as CommandName, arg: frame.arg };
}
