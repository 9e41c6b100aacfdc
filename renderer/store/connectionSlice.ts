import { pageStorage } from '../publishLibrary';
import { migrateSavedPayloads } from '../savedPayloadsMigration';
import { unavailable } from '../transport/types';
import type { CommandArg, HubUpdate } from '../../shared/ipc';
import type { ConnectionSlice, Slice } from './types';

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The link to the hub. */
export const createConnectionSlice: Slice<ConnectionSlice> = (set, get) => ({
  link: { kind: 'connecting' },
  transport: null,
  connect(transport) {
    set({ transport });
    /** Asks since the link opened: an answer to an earlier ask is not applied. */
    let asks = 0;
    /** Pushes that came after the answer, before it was applied: applied after it, in order. */
    let held: HubUpdate[] | null = null;
    const loadInit = async (): Promise<void> => {
      const ask = ++asks;
      const result = await transport.call('getInit', null);
      if (!result.ok || get().transport !== transport || ask !== asks) return;
      // Applied (and rendered) in a task of its own: the task that received it decoded and parsed
      // it already (a big hub's answer is hundreds of KB), and the two together made one long task.
      held = [];
      await nextTask();
      const later = held;
      held = null;
      if (get().transport !== transport || ask !== asks) return;
      get().applyInit(result.value);
      for (const update of later) get().applyUpdate(update);
      // Saved payloads this browser kept before the hub did move to the hub (once), in a task of
      // their own: the answer's task applies the whole snapshot already, and a page's first read of
      // localStorage waits for the browser (see restoreMessageLimit).
      await nextTask();
      if (get().transport !== transport) return;
      const save = (arg: CommandArg<'savePayload'>) => transport.call('savePayload', arg);
      const config = await migrateSavedPayloads(pageStorage(), result.value.config, save);
      if (config !== null && get().transport === transport) get().applyConfig(config);
    };
    const offUpdate = transport.onUpdate((update) => {
      if (held === null) get().applyUpdate(update);
      else held.push(update);
    });
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
