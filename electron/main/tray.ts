/** The tray icon: status in the tooltip and menu, Open and Quit. Tolerates a missing icon file. */
import { Menu, Tray, nativeImage } from 'electron';
import type { HubStats } from '../../shared/hub';
import type { HubStatus } from '../../shared/ipc';

/** What the tray shows and does. */
export interface TrayOptions {
  /** `dist/assets/tray.png`; an empty icon is used when it is missing. */
  iconPath: string;
  onOpen: () => void;
  onQuit: () => void;
}

/** A tray that can be refreshed with the hub's status. */
export interface HubTray {
  update(status: HubStatus, stats: HubStats | null): void;
  destroy(): void;
}

/** One line describing the hub for the tooltip and the menu. */
export function statusLine(status: HubStatus, stats: HubStats | null): string {
  switch (status.state) {
    case 'running': {
      const where = status.listen ? `${status.listen.host}:${status.listen.port}` : '';
      const clients = stats ? ` · ${stats.connected} connected` : '';
      return `Relay Hub: running on ${where}${clients}`;
    }
    case 'starting':
      return 'Relay Hub: starting…';
    case 'stopped':
      return 'Relay Hub: stopped';
    case 'error':
      return `Relay Hub: ${status.error?.message ?? 'error'}`;
  }
}

/** Creates the tray icon. */
export function createHubTray(options: TrayOptions): HubTray {
  const image = nativeImage.createFromPath(options.iconPath);
  const tray = new Tray(image.isEmpty() ? nativeImage.createEmpty() : image);
  let last = '';
  tray.on('click', options.onOpen);
  const update = (status: HubStatus, stats: HubStats | null): void => {
    const line = statusLine(status, stats);
    if (line === last) return;
    last = line;
    tray.setToolTip(line);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: line, enabled: false },
        { type: 'separator' },
        { label: 'Open Relay Hub', click: options.onOpen },
        { label: 'Quit', click: options.onQuit },
      ]),
    );
  };
  update({ state: 'starting', listen: null, error: null }, null);
  return { update, destroy: () => tray.destroy() };
}
