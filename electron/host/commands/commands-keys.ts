/**
 * The GUI's commands for bringing devices on: device keys (list, create, revoke), "Add a device"
 * (a key plus a one-time phone link on one of the hub's device URLs), and removing stale
 * registrations. Arguments are parsed with the shared pure parsers, like every command.
 */
import {
  parseCreateKeyArg,
  parseKeyIdArg,
  parseNoArg,
  parsePairDeviceArg,
  parseRemoveDisconnectedArg,
} from '../../../shared/command-args';
import type { CommandName, CommandResult } from '../../../shared/ipc';
import type { Relay } from '../../relay/index';

/** The commands answered here. */
export type KeyCommand = Extract<
  CommandName,
  'listKeys' | 'createKey' | 'revokeKey' | 'pairDevice' | 'removeDisconnected'
>;

type Result = CommandResult<CommandName>;
const invalid = (parsed: { code: Extract<Result, { ok: false }>['error']['code']; message: string }): Result => ({
  ok: false,
  error: { code: parsed.code, message: parsed.message },
});

/** Runs one key command (its name already checked). */
export function runKeyCommand(relay: Relay, name: KeyCommand, arg: unknown): Result {
  switch (name) {
    case 'listKeys': {
      const parsed = parseNoArg(arg);
      return parsed.ok ? { ok: true, value: { keys: relay.keys() } } : invalid(parsed);
    }
    case 'createKey': {
      const parsed = parseCreateKeyArg(arg, Date.now());
      return parsed.ok ? { ok: true, value: relay.createKey(parsed.value) } : invalid(parsed);
    }
    case 'revokeKey': {
      const parsed = parseKeyIdArg(arg);
      return parsed.ok ? { ok: true, value: relay.revokeKey(parsed.value.id) } : invalid(parsed);
    }
    case 'pairDevice': {
      const parsed = parsePairDeviceArg(arg, Date.now());
      if (!parsed.ok) return invalid(parsed);
      // The link must work on the device: one of the URLs the hub gives devices (LAN addresses,
      // or the public URL), never an address of the operator's own choosing.
      const urls = relay.address()?.urls ?? [];
      const base = parsed.value.base ?? urls[0];
      if (base === undefined)
        return invalid({ code: 'unavailable', message: 'the hub is not listening; start it first' });
      if (!urls.includes(base)) {
        return invalid({
          code: 'invalid_body',
          message: `base must be one of the hub's device URLs: ${urls.join(', ')}`,
        });
      }
      return { ok: true, value: relay.pair(parsed.value.scope, base) };
    }
    case 'removeDisconnected': {
      const parsed = parseRemoveDisconnectedArg(arg);
      if (!parsed.ok) return invalid(parsed);
      return { ok: true, value: { removed: relay.removeDisconnected(parsed.value.disconnectedForMs) } };
    }
  }
}
