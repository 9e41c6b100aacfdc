/**
 * The sandboxed preload: exposes `window.relayHub` with one named method per command (each
 * invoking its own IPC channel) and `onUpdate`; never a generic invoke or the raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeKey, type RelayHubBridge } from '../../shared/bridge';
import { ipcChannel, type CommandArg, type CommandName, type CommandResult, type HubUpdate } from '../../shared/ipc';

function command<K extends CommandName>(name: K): (arg: CommandArg<K>) => Promise<CommandResult<K>> {
  const channel = ipcChannel.command(name);
  return (arg) => ipcRenderer.invoke(channel, arg ?? null) as Promise<CommandResult<K>>;
}

/** The exposed API (exported for the unit test). */
export const bridge: RelayHubBridge = {
  getInit: command('getInit'),
  nextClientPage: command('nextClientPage'),
  register: command('register'),
  unregister: command('unregister'),
  unregisterUser: command('unregisterUser'),
  publish: command('publish'),
  restart: command('restart'),
  setSettings: command('setSettings'),
  getAccessToken: command('getAccessToken'),
  rotateAccessToken: command('rotateAccessToken'),
  setAccessToken: command('setAccessToken'),
  watchMessages: command('watchMessages'),
  clientDetail: command('clientDetail'),
  listKeys: command('listKeys'),
  createKey: command('createKey'),
  revokeKey: command('revokeKey'),
  pairDevice: command('pairDevice'),
  removeDisconnected: command('removeDisconnected'),
  getStreams: command('getStreams'),
  getHistory: command('getHistory'),
  watchTopics: command('watchTopics'),
  nextTopicPage: command('nextTopicPage'),
  clearRetained: command('clearRetained'),
  clearHistory: command('clearHistory'),
  listWebhooks: command('listWebhooks'),
  addWebhook: command('addWebhook'),
  removeWebhook: command('removeWebhook'),
  testWebhook: command('testWebhook'),
  savePayload: command('savePayload'),
  deletePayload: command('deletePayload'),
  renamePayload: command('renamePayload'),
  exportBegin: command('exportBegin'),
  exportWrite: command('exportWrite'),
  exportEnd: command('exportEnd'),
  checkForUpdates: command('checkForUpdates'),
  onUpdate(listener) {
    const forward = (_event: IpcRendererEvent, update: HubUpdate): void => listener(update);
    ipcRenderer.on(ipcChannel.update, forward);
    return () => {
      ipcRenderer.removeListener(ipcChannel.update, forward);
    };
  },
};

contextBridge.exposeInMainWorld(bridgeKey, bridge);
