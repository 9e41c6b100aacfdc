/**
 * The one command handler behind both GUI transports (Electron IPC and the dashboard's admin
 * socket): validates the name and every argument with the shared pure parsers, never throws.
 */
import { parseIdArg, parseNoArg, parseRestartArg, parseSettingsPatch } from '../../shared/command-args';
import type { CommandName, CommandResult, HubSettings, HubStatus } from '../../shared/ipc';
import { isCommandName } from '../../shared/ipc';
import { parsePublishRequest, parseRegisterRequest, parseUserId, type Parsed } from '../../shared/parse';
import type { HubFeed } from './feed';
import type { Relay } from './index';

/** What the host (desktop app or headless CLI) adds to the commands. */
export interface CommandHost {
  /** Rebinds the server; absent → `restart` answers `unavailable`. */
  restart?: (target: { host: string; port: number }) => Promise<HubStatus>;
  /** Persists settings (desktop only); absent → `setSettings` answers `unavailable`. */
  setSettings?: (patch: Partial<HubSettings>) => HubSettings | Promise<HubSettings>;
}

/** Runs one command: any name, any argument; always resolves with a result. */
export type CommandHandler = (name: unknown, arg: unknown) => Promise<CommandResult<CommandName>>;

type Failure = Extract<CommandResult<CommandName>, { ok: false }>;

const failure = (code: Failure['error']['code'], message: string): Failure => ({ ok: false, error: { code, message } });
const invalid = (parsed: { code: Failure['error']['code']; message: string }): Failure =>
  failure(parsed.code, parsed.message);

/** The socket URL a device uses for registration `id`, from the hub's first LAN base URL. */
export function deviceSocketUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws/${id}`;
}

/** Creates the handler for a relay, its feed and the host's hooks. */
export function createCommandHandler(relay: Relay, feed: HubFeed, host: CommandHost = {}): CommandHandler {
  const run = async (name: CommandName, arg: unknown): Promise<CommandResult<CommandName>> => {
    switch (name) {
      case 'getInit': {
        const parsed = parseNoArg(arg);
        return parsed.ok ? { ok: true, value: feed.init() } : invalid(parsed);
      }
      case 'register': {
        const parsed = parseRegisterRequest(arg);
        if (!parsed.ok) return invalid(parsed);
        const base = relay.address()?.urls[0];
        if (base === undefined) return failure('unavailable', 'the hub is not listening; start it first');
        const client = relay.register(parsed.value.user_id);
        return { ok: true, value: { url: deviceSocketUrl(base, client.id), id: client.id } };
      }
      case 'unregister': {
        const parsed = parseIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        return { ok: true, value: { removed: relay.unregister(parsed.value.id), id: parsed.value.id } };
      }
      case 'unregisterUser': {
        const parsed = parseUserIdArg(arg);
        return parsed.ok ? { ok: true, value: { removed: relay.unregisterUser(parsed.value) } } : invalid(parsed);
      }
      case 'publish': {
        const parsed = parsePublishRequest(arg, relay.options.topicLimits);
        if (!parsed.ok) return invalid(parsed);
        if (Buffer.byteLength(parsed.value.message) > relay.options.maxBodyBytes) {
          return failure('body_too_large', `message must be at most ${relay.options.maxBodyBytes} bytes`);
        }
        return { ok: true, value: relay.publish(parsed.value) };
      }
      case 'restart': {
        const parsed = parseRestartArg(arg);
        if (!parsed.ok) return invalid(parsed);
        if (!host.restart) return failure('unavailable', 'this hub cannot be restarted from the GUI');
        const status = await host.restart(parsed.value);
        feed.refresh();
        return { ok: true, value: status };
      }
      case 'setSettings': {
        const parsed = parseSettingsPatch(arg);
        if (!parsed.ok) return invalid(parsed);
        if (!host.setSettings) return failure('unavailable', 'settings are fixed by the command line on this hub');
        return { ok: true, value: await host.setSettings(parsed.value) };
      }
    }
  };

  return async (name, arg) => {
    if (!isCommandName(name)) return failure('unknown_command', `unknown command ${JSON.stringify(name)}`);
    try {
      return await run(name, arg);
    } catch (error) {
      // A host hook failed (e.g. the settings file is not writable): report, never throw.
      return failure('unavailable', error instanceof Error ? error.message : String(error));
    }
  };
}

function parseUserIdArg(value: unknown): Parsed<number> {
  if (typeof value !== 'object' || value === null || !('userId' in value)) {
    return { ok: false, code: 'invalid_body', message: 'expected {"userId": <integer>}' };
  }
  return parseUserId(value.userId);
}
