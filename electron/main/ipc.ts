/**
 * The only user of `ipcMain`: one `handle` per command name (never a generic channel), each
 * checking that the sender is the main window's app page before running the shared handler,
 * and the feed's updates pushed to that window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  commandNames,
  desktopCommandNames,
  ipcChannel,
  type CommandName,
  type CommandResult,
  type HubUpdate,
} from '../../shared/ipc';
import type { CommandHandler, HubFeed } from '../host/index';
import type { ExportCommand, ExportFiles } from './export';
import { isAppPage } from './window';

/** What the IPC layer needs. */
export interface IpcOptions {
  handler: CommandHandler;
  feed: HubFeed;
  /** The main window, or null while there is none. */
  window: () => BrowserWindow | null;
  /** The app page's file:// URL. */
  pageUrl: string;
  /** Writes exports to files the operator picks (the desktop-only commands). */
  exports: ExportFiles;
  /** Answers `checkForUpdates` (the other desktop-only command). */
  updates: (arg: unknown) => Promise<CommandResult<CommandName>>;
}

const exportCommands: readonly CommandName[] = ['exportBegin', 'exportWrite', 'exportEnd'] satisfies ExportCommand[];
const isExportCommand = (name: CommandName): name is ExportCommand => exportCommands.includes(name);
// Every desktop-only command is answered here, never by the shared handler.
const desktopOnly: readonly CommandName[] = desktopCommandNames;

/** True when the event comes from the main window's top frame showing the app page. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, pageUrl: string): boolean {
  if (window === null || window.isDestroyed()) return false;
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (frame === null || frame !== window.webContents.mainFrame) return false;
  return isAppPage(frame.url, pageUrl);
}

const forbidden: CommandResult<CommandName> = {
  ok: false,
  error: { code: 'forbidden', message: 'this page may not control the hub' },
};

/** Registers the command handlers and the update push; returns the function that removes them. */
export function registerIpc(options: IpcOptions): () => void {
  const names = Object.keys(commandNames) as CommandName[];
  // The window's one feed subscription: commands name it, so `watchMessages` opens this window's inspector.
  const listener = (update: HubUpdate): void => {
    const window = options.window();
    if (window === null || window.isDestroyed() || window.webContents.isDestroyed()) return;
    window.webContents.send(ipcChannel.update, update);
  };
  for (const name of names) {
    ipcMain.handle(ipcChannel.command(name), (event, arg: unknown) => {
      const window = options.window();
      if (!isTrustedSender(event, window, options.pageUrl)) return forbidden;
      if (name === 'getInit') {
        // A page that (re)loads starts without an inspector, and its unfinished exports are gone.
        options.feed.watchMessages(listener, null);
        options.feed.watchTopics(listener, false);
        void options.exports.abortAll();
      }
      if (isExportCommand(name)) return options.exports.run(name, arg, window);
      if (name === 'checkForUpdates') return options.updates(arg);
      if (desktopOnly.includes(name)) return forbidden;
      return options.handler(name, arg, { listener });
    });
  }
  const unsubscribe = options.feed.subscribe(listener);
  return () => {
    unsubscribe();
    for (const name of names) ipcMain.removeHandler(ipcChannel.command(name));
  };
}
