import { describe, expect, it, vi } from 'vitest';
import { bridgeKey, type RelayHubBridge } from '../../shared/bridge';
import { commandNames, ipcChannel, type CommandName, type HubUpdate } from '../../shared/ipc';

/** Every method name the bridge must expose: one per command, plus `onUpdate`. */
const bridgeMethodNames: readonly (keyof RelayHubBridge)[] = [
  ...(Object.keys(commandNames) as CommandName[]),
  'onUpdate',
];

const state = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as [string, unknown][],
  listeners: new Map<string, Set<(event: unknown, value: unknown) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => state.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, arg: unknown) => {
      state.invoked.push([channel, arg]);
      return Promise.resolve({ ok: true, value: channel });
    },
    on: (channel: string, fn: (event: unknown, value: unknown) => void) => {
      const set = state.listeners.get(channel) ?? new Set();
      set.add(fn);
      state.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (event: unknown, value: unknown) => void) =>
      state.listeners.get(channel)?.delete(fn),
  },
}));

await import('./index');

describe('preload', () => {
  it('exposes exactly the named methods as window.relayHub', () => {
    expect([...state.exposed.keys()]).toEqual([bridgeKey]);
    const api = state.exposed.get(bridgeKey) as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...bridgeMethodNames].sort());
    for (const name of bridgeMethodNames) expect(typeof api[name]).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it('sends each command on its own channel', async () => {
    const api = state.exposed.get(bridgeKey) as RelayHubBridge;
    await api.register({ user_id: 4 });
    await api.getInit(null);
    await api.publish({ topic: 'cats', message: 'hi' });
    expect(state.invoked).toEqual([
      ['relay-hub:register', { user_id: 4 }],
      ['relay-hub:getInit', null],
      ['relay-hub:publish', { topic: 'cats', message: 'hi' }],
    ]);
    for (const name of Object.keys(commandNames) as (keyof typeof commandNames)[]) {
      const method = api[name] as (arg: unknown) => Promise<unknown>;
      expect(await method(null)).toEqual({ ok: true, value: ipcChannel.command(name) });
    }
  });

  it('forwards updates until unsubscribed', () => {
    const api = state.exposed.get(bridgeKey) as RelayHubBridge;
    const seen: HubUpdate[] = [];
    const off = api.onUpdate((u) => seen.push(u));
    const update = { deliveredPerSecond: 1 } as HubUpdate;
    const emit = (): void => state.listeners.get(ipcChannel.update)?.forEach((fn) => fn({ sender: 'x' }, update));
    emit();
    off();
    emit();
    expect(seen).toEqual([update]);
  });
});
