/**
 * The one command handler behind both GUI transports (Electron IPC and the dashboard's admin
 * socket): validates the name and every argument with the shared pure parsers, never throws.
 */
import { randomBytes } from 'node:crypto';
import {
  parseGuiPublish,
  parseIdArg,
  parseNoArg,
  parsePagingIdArg,
  parseRestartArg,
  parseSettingsPatch,
  parseTokenArg,
  parseWatchTopicsArg,
} from '../../../shared/command-args';
import type { CommandName, CommandResult, HubConfig, HubSettings, HubStatus } from '../../../shared/ipc';
import { isCommandName } from '../../../shared/ipc';
import { parseRegisterRequest, parseUserId, type Parsed } from '../../../shared/parse';
import { parseMessageWatch } from '../../../shared/traffic';
import { deviceSocketUrl } from '../../../shared/urls';

export { deviceSocketUrl } from '../../../shared/urls';
import type { FeedListener, HubFeed } from '../feed/feed';
import { runKeyCommand } from './commands-keys';
import { runStreamCommand } from './commands-streams';
import { LimitError, type Relay } from '../../relay/index';
import { runWebhookCommand } from './commands-webhooks';
import { runPayloadCommand, type PayloadCommandHost } from './commands-payloads';

/** Settings that cannot be applied (invalid together, or the server cannot listen with them): code `invalid_settings`. */
export class SettingsError extends Error {
  readonly code = 'invalid_settings';
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** What the host (desktop app or headless CLI) adds to the commands. */
export interface CommandHost {
  /** Rebinds the server; absent → `restart` answers `unavailable`. */
  restart?: (target: { host: string; port: number }) => Promise<HubStatus>;
  /** Applies (and on the desktop, saves) settings; absent → `setSettings` answers `unavailable`. */
  applySettings?: (patch: Partial<HubSettings>) => Promise<HubConfig>;
  /** Sets the access token (and saves it on the desktop); default: the relay's, in memory. */
  setAccessToken?: (token: string | null) => void;
  /** The saved payloads and the config that carries them; absent → their commands answer `unavailable`. */
  savedPayloads?: Omit<PayloadCommandHost, 'changed'>;
}

/** A new access token: 32 random bytes, base64url (43 characters). */
export function generateAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Where a command comes from: the GUI's feed subscription (its updates carry its inspector's messages). */
export interface CommandContext {
  listener?: FeedListener;
  /** True while that GUI's link is backed up: the pages of its client snapshot wait (see `HubFeed.init`). */
  busy?: () => boolean;
}

/** Runs one command: any name, any argument; always resolves with a result. */
export type CommandHandler = (
  name: unknown,
  arg: unknown,
  context?: CommandContext,
) => Promise<CommandResult<CommandName>>;

type Failure = Extract<CommandResult<CommandName>, { ok: false }>;

const failure = (code: Failure['error']['code'], message: string): Failure => ({ ok: false, error: { code, message } });
const invalid = (parsed: { code: Failure['error']['code']; message: string }): Failure =>
  failure(parsed.code, parsed.message);

/** Creates the handler for a relay, its feed and the host's hooks. */
export function createCommandHandler(relay: Relay, feed: HubFeed, host: CommandHost = {}): CommandHandler {
  const run = async (name: CommandName, arg: unknown, context: CommandContext): Promise<CommandResult<CommandName>> => {
    switch (name) {
      case 'getInit': {
        const parsed = parseNoArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const { listener, busy } = context;
        return {
          ok: true,
          value: feed.init(listener === undefined ? undefined : { listener, ...(busy === undefined ? {} : { busy }) }),
        };
      }
      case 'nextClientPage': {
        const parsed = parsePagingIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const { listener } = context;
        return { ok: true, value: { sent: listener !== undefined && feed.nextClientPage(listener, parsed.value.id) } };
      }
      case 'register': {
        const parsed = parseRegisterRequest(arg);
        if (!parsed.ok) return invalid(parsed);
        const base = relay.address()?.urls[0];
        if (base === undefined) return failure('unavailable', 'the hub is not listening; start it first');
        const client = relay.register(parsed.value.user_id);
        await relay.settled(); // in a cluster: every hub can take its socket
        return { ok: true, value: { url: deviceSocketUrl(base, client.id), id: client.id } };
      }
      case 'unregister': {
        const parsed = parseIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const removed = feed.asOperator(() => relay.unregister(parsed.value.id));
        await relay.settled(); // in a cluster: its socket on another hub is closed too
        return { ok: true, value: { removed, id: parsed.value.id } };
      }
      case 'unregisterUser': {
        const parsed = parseUserIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        return { ok: true, value: { removed: feed.asOperator(() => relay.unregisterUser(parsed.value)) } };
      }
      case 'publish': {
        const parsed = parseGuiPublish(arg, relay.options);
        if (!parsed.ok) return invalid(parsed);
        const { encoding, ...request } = parsed.value;
        // JSON carries no bytes: a binary message comes as base64 and is published as the bytes.
        const message = encoding === 'base64' ? Buffer.from(request.message, 'base64') : request.message;
        return { ok: true, value: await relay.publish({ ...request, message }, 'gui') }; // LimitError over maxMessageBytes
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
        if (!host.applySettings) return failure('unavailable', 'settings are fixed by the command line on this hub');
        return { ok: true, value: await host.applySettings(parsed.value) };
      }
      case 'getAccessToken': {
        const parsed = parseNoArg(arg);
        return parsed.ok ? { ok: true, value: { token: relay.options.accessToken } } : invalid(parsed);
      }
      case 'rotateAccessToken': {
        const parsed = parseNoArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const token = generateAccessToken();
        setToken(token);
        return { ok: true, value: { token } };
      }
      case 'setAccessToken': {
        const parsed = parseTokenArg(arg);
        if (!parsed.ok) return invalid(parsed);
        setToken(parsed.value.token);
        return { ok: true, value: { token: parsed.value.token } };
      }
      case 'watchMessages': {
        const parsed = parseMessageWatch(arg);
        if (!parsed.ok) return invalid(parsed);
        const listener = context.listener;
        if (listener === undefined || !feed.watchMessages(listener, parsed.value)) {
          return failure('unavailable', 'this connection receives no updates to carry messages');
        }
        return { ok: true, value: { watching: parsed.value !== null } };
      }
      case 'clientDetail': {
        const parsed = parseIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const detail = feed.clientDetail(parsed.value.id);
        return detail === null ? failure('unknown_client', 'no such registration') : { ok: true, value: detail };
      }
      case 'listKeys':
      case 'createKey':
      case 'revokeKey':
      case 'pairDevice':
      case 'removeDisconnected':
        return feed.asOperator(() => runKeyCommand(relay, name, arg));
      case 'watchTopics': {
        const parsed = parseWatchTopicsArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const { listener, busy } = context;
        const answer = listener === undefined ? null : feed.watchTopics(listener, parsed.value.watch, busy);
        if (answer === null) return failure('unavailable', 'this connection receives no updates to carry topics');
        const { topics, paging } = answer;
        return { ok: true, value: { topics, ...(paging === undefined ? {} : { topicPages: paging }) } };
      }
      case 'nextTopicPage': {
        const parsed = parsePagingIdArg(arg);
        if (!parsed.ok) return invalid(parsed);
        const { listener } = context;
        return { ok: true, value: { sent: listener !== undefined && feed.nextTopicPage(listener, parsed.value.id) } };
      }
      case 'clearRetained': {
        const result = runStreamCommand(relay, name, arg);
        if (result.ok) feed.retainedCleared((arg as { topic: string }).topic);
        return result;
      }
      case 'getStreams':
      case 'getHistory':
      case 'clearHistory':
        return runStreamCommand(relay, name, arg);
      case 'listWebhooks':
      case 'addWebhook':
      case 'removeWebhook':
      case 'testWebhook':
        return runWebhookCommand(relay, name, arg);
      case 'savePayload':
      case 'deletePayload':
      case 'renamePayload':
        if (!host.savedPayloads) return failure('unavailable', 'this hub keeps no saved payloads');
        return runPayloadCommand(relay, { ...host.savedPayloads, changed: () => feed.refresh() }, name, arg);
      case 'exportBegin':
      case 'exportWrite':
      case 'exportEnd':
        // The desktop app's main process answers these itself; a browser downloads exports instead.
        return failure('unavailable', 'only the desktop app saves files; the dashboard downloads exports');
      case 'checkForUpdates':
        // The desktop app's main process answers it; a headless hub is updated with npm.
        return failure('unavailable', 'only the desktop app checks for updates');
    }
  };
  const setToken = (token: string | null): void => (host.setAccessToken ?? relay.setAccessToken)(token);

  return async (name, arg, context = {}) => {
    if (!isCommandName(name)) return failure('unknown_command', `unknown command ${JSON.stringify(name)}`);
    try {
      return await run(name, arg, context);
    } catch (error) {
      if (error instanceof SettingsError || error instanceof LimitError) return failure(error.code, error.message);
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
