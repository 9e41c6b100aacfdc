import { pageStorage } from '../publishLibrary';
import { migrateSavedPayloads } from '../savedPayloadsMigration';
import { unavailable } from '../transport/types';
import type { CommandArg } from '../../shared/ipc';
import type { ConnectionSlice, Slice } from './types';

/** The link to the hub. */
export const createConnectionSlice: Slice<ConnectionSlice> = (set, get) => ({
  link: { kind: 'connecting' },
  transport: null,
  connect(transport) {
    set({ transport });
    const loadInit = async (): Promise<void> => {
      const result = await transport.call('getInit', null);
      if (!result.ok || get().transport !== transport) return;
      get().applyInit(result.value);
      // Saved payloads this browser kept before the hub did move to the hub (once), in a task of
      // their own: the answer's task applies the whole snapshot already, and a page's first read of
      // localStorage waits for the browser (see restoreMessageLimit).
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (get().transport !== transport) return;
      const save = (arg: CommandArg<'savePayload'>) => transport.call('savePayload', arg);
      const config = await migrateSavedPayloads(pageStorage(), result.value.config, save);
      if (config !== null && get().transport === transport) get().applyConfig(config);
    };
    const offUpdate = transport.onUpdate((update) => get().applyUpdate(update));
    const offLink = transport.onLink((link) => {
      set({ link });
      // Pushes missed while disconnected are gone: start again from a full snapshot.
      if (link.kind === 'open') void loadInit();
    });
    return () => {
      offUpdate();
      offLink();
      // The transport lives as long as the page (its owner closes it); detaching only stops listening.
      if (get().transport === transport) set({ transport: null });
    };
  },
  call(name, arg) {
    const transport = get().transport;
    return transport === null ? Promise.resolve(unavailable('not connected to the hub')) : transport.call(name, arg);
  },
  setToken(token) {
    get().transport?.setToken(token);
  },
});
