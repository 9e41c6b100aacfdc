/**
 * The GUI's webhook commands: list (with each hook's state), add, remove, send a test. Arguments
 * are parsed with the same pure parser as `POST /webhooks`.
 */
import { parseNoArg } from '../../../shared/command-args';
import type { CommandName, CommandResult } from '../../../shared/ipc';
import { parseWebhookIdArg, parseWebhookRequest } from '../../../shared/webhooks';
import type { Relay } from '../../relay/index';

/** The commands answered here. */
export type WebhookCommand = Extract<CommandName, 'listWebhooks' | 'addWebhook' | 'removeWebhook' | 'testWebhook'>;

type Result = CommandResult<CommandName>;
const invalid = (parsed: { code: Extract<Result, { ok: false }>['error']['code']; message: string }): Result => ({
  ok: false,
  error: { code: parsed.code, message: parsed.message },
});
const unknown = (id: string): Result => invalid({ code: 'not_found', message: `no webhook ${id}` });

/** Runs one webhook command (its name already checked). */
export async function runWebhookCommand(relay: Relay, name: WebhookCommand, arg: unknown): Promise<Result> {
  switch (name) {
    case 'listWebhooks': {
      const parsed = parseNoArg(arg);
      return parsed.ok ? { ok: true, value: { webhooks: relay.webhooks() } } : invalid(parsed);
    }
    case 'addWebhook': {
      const parsed = parseWebhookRequest(arg);
      return parsed.ok ? { ok: true, value: relay.addWebhook(parsed.value) } : invalid(parsed);
    }
    case 'removeWebhook': {
      const parsed = parseWebhookIdArg(arg);
      if (!parsed.ok) return invalid(parsed);
      const { id } = parsed.value;
      return relay.removeWebhook(id) ? { ok: true, value: { removed: true, id } } : unknown(id);
    }
    case 'testWebhook': {
      const parsed = parseWebhookIdArg(arg);
      if (!parsed.ok) return invalid(parsed);
      const attempt = await relay.testWebhook(parsed.value.id);
      return attempt === null ? unknown(parsed.value.id) : { ok: true, value: attempt };
    }
  }
}
