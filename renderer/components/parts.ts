/**
 * The parts of the GUI in chunks of their own (lazyPart.tsx): every view, the key dialog and the
 * MQTT QR code. The view the page opens on (Clients) is fetched as soon as the page starts
 * (main.tsx), beside the hub's first snapshot, which it waits for anyway; the others when first
 * shown or, before that, while the page is idle after its first paint (`idleLoads`, run by ../idle.ts).
 */
import { useStore } from '../store';
import type { KeyDialog as KeyDialogMode, View } from '../store/types';
import { lazyPart, type LazyPart } from './lazyPart';
import type { MqttMoreProps } from './MqttMore';

/** The views behind the tabs. */
export const lazyViews: Record<View, LazyPart<object>> = {
  clients: lazyPart(() => import('./ClientsView').then((m) => m.ClientsView)),
  users: lazyPart(() => import('./UsersView').then((m) => m.UsersView)),
  topics: lazyPart(() => import('./TopicsView').then((m) => m.TopicsView)),
  keys: lazyPart(() => import('./KeysView').then((m) => m.KeysView)),
  webhooks: lazyPart(() => import('./WebhooksView').then((m) => m.WebhooksView)),
  messages: lazyPart(() =>
    import('./MessagesView').then((m) => {
      useStore.getState().restoreMessageLimit(); // before the inspector first shows or receives a message
      return m.MessagesView;
    }),
  ),
  charts: lazyPart(() => import('./ChartsView').then((m) => m.ChartsView)),
  send: lazyPart(() => import('./SendView').then((m) => m.SendView)),
  log: lazyPart(() => import('./LogView').then((m) => m.LogView)),
  settings: lazyPart(() => import('./SettingsView').then((m) => m.SettingsView)),
};

/** The "Add a device" / "Create a key" dialog. */
export const KeyDialog = lazyPart<{ mode: KeyDialogMode }>(() => import('./KeyDialog').then((m) => m.KeyDialog));

/** The MQTT address's QR code, `mosquitto_sub` line and WebSocket URL, shown on demand. */
export const MqttMore = lazyPart<MqttMoreProps>(() => import('./MqttMore').then((m) => m.MqttMore));

/** What the idle page loads, likeliest first: the tabs beside Clients, then the rest. */
export const idleLoads: readonly (() => Promise<unknown>)[] = [
  ...(['topics', 'users', 'messages', 'send', 'keys', 'log', 'charts', 'settings', 'webhooks'] as const).map(
    (view) => lazyViews[view].preload,
  ),
  KeyDialog.preload,
  MqttMore.preload,
];
