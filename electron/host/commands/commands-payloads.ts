/**
 * The GUI's saved-payload commands: save (replacing one of the same name), delete, rename. Each
 * argument is checked against the hub's limits (message size, topic length) before the list changes;
 * each answers the hub's config, whose `savedPayloads` every other GUI gets with its next update.
 */
import type { CommandName, CommandResult, HubConfig } from '../../../shared/ipc';
import { parsePayloadNameArg, parseRenamePayloadArg, parseSavedPayload } from '../../../shared/saved-payloads';
import type { Relay } from '../../relay/index';
import { SavedPayloadError, type SavedPayloads } from '../saved-payloads';

/** The commands answered here. */
export type PayloadCommand = Extract<CommandName, 'savePayload' | 'deletePayload' | 'renamePayload'>;

type Result = CommandResult<CommandName>;
type Failure = Extract<Result, { ok: false }>;
const failure = (code: Failure['error']['code'], message: string): Failure => ({ ok: false, error: { code, message } });

/** Where the commands act: the hub's list, its config after a change, and the feed to tell the GUIs. */
export interface PayloadCommandHost {
  payloads: SavedPayloads;
  config: () => HubConfig;
  /** Called after a change (the feed pushes the new config to every GUI). */
  changed: () => void;
}

/** Runs one saved-payload command (its name already checked); a failed write throws. */
export function runPayloadCommand(relay: Relay, host: PayloadCommandHost, name: PayloadCommand, arg: unknown): Result {
  try {
    switch (name) {
      case 'savePayload': {
        const parsed = parseSavedPayload(arg, relay.options);
        if (!parsed.ok) return failure(parsed.code, parsed.message);
        host.payloads.save(parsed.value);
        break;
      }
      case 'deletePayload': {
        const parsed = parsePayloadNameArg(arg);
        if (!parsed.ok) return failure(parsed.code, parsed.message);
        host.payloads.remove(parsed.value.name);
        break;
      }
      case 'renamePayload': {
        const parsed = parseRenamePayloadArg(arg);
        if (!parsed.ok) return failure(parsed.code, parsed.message);
        host.payloads.rename(parsed.value.name, parsed.value.to);
        break;
      }
    }
  } catch (error) {
    if (error instanceof SavedPayloadError) return failure(error.code, error.message);
    throw error;
  }
  host.changed();
  return { ok: true, value: host.config() };
}
