import type { CommandName, CommandResult, CommandValue, HubUpdate } from '../../shared/ipc';
import type { LinkState, Transport } from '../../renderer/transport/types';

/** A transport for component tests: records commands, answers from `answers`, pushes on demand. */
export function recordingTransport(answers: Partial<{ [K in CommandName]: CommandValue<K> }> = {}): Transport & {
  calls: { name: CommandName; arg: unknown }[];
  push(update: HubUpdate): void;
} {
  const calls: { name: CommandName; arg: unknown }[] = [];
  const listeners = new Set<(update: HubUpdate) => void>();
  return {
    saves: 'download',
    calls,
    call<K extends CommandName>(name: K, arg: unknown): Promise<CommandResult<K>> {
      calls.push({ name, arg });
      const value = answers[name];
      return Promise.resolve(
        value === undefined
          ? { ok: false, error: { code: 'unknown_command', message: `no answer for ${name}` } }
          : { ok: true, value: value as CommandValue<K> },
      );
    },
    onUpdate(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onLink(fn: (state: LinkState) => void) {
      fn({ kind: 'open' });
      return () => {};
    },
    push(update) {
      for (const fn of listeners) fn(update);
    },
    setToken() {},
    close() {},
  };
}
