/**
 * The only user of `ipcMain`: one `handle` per command name (never a generic channel), each
 * checking that the sender is the main window's app page before running the shared handler,
 * and the feed's updates pushed to that window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { commandNames, ipcChannel, type CommandName, type CommandResult, type HubUpdate } from '../../shared/ipc';
import type { CommandHandler, HubFeed } from '../host/index';
import { isAppPage } from './window';

/** What the IPC layer needs. */
export interface IpcOptions {
  handler: CommandHandler;
  feed: HubFeed;
  /** The main window, or null while there is none. */
  window: () => BrowserWindow | null;
  /** The app page's file:// URL. */
  pageUrl: string;
}

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
  for (const name of names) {
    ipcMain.handle(ipcChannel.command(name), (event, arg: unknown) =>
      isTrustedSender(event, options.window(), options.pageUrl) ? options.handler(name, arg) : forbidden,
    );
  }
  const unsubscribe = options.feed.subscribe((update: HubUpdate) => {
    const window = options.window();
    if (window === null || window.isDestroyed() || window.webContents.isDestroyed()) return;
    window.webContents.send(ipcChannel.update, update);
  });
  return () => {
    unsubscribe();
    for (const name of names) ipcMain.removeHandler(ipcChannel.command(name));
  };
}
