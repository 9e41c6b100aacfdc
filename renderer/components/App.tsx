import { lazy, Suspense, useEffect } from 'react';
import { useStore } from '../store';
import type { Transport } from '../transport/types';
import { ClientsView } from './ClientsView';
import { ClusterBanner } from './ClusterBanner';
import { ClusterPanel } from './ClusterPanel';
import { DeviceUrls } from './DeviceUrls';
import { Header } from './Header';
import { KeyDialog } from './KeyDialog';
import { KeysView } from './KeysView';
import { LogView } from './LogView';
import { MessagesView } from './MessagesView';
import { OpenHubBanner } from './OpenHubBanner';
import { SendView } from './SendView';
import { SettingsView } from './SettingsView';
import { StatusBanner } from './StatusBanner';
import { Tabs } from './Tabs';
import { WebhooksView } from './WebhooksView';
import { TokenScreen } from './TokenScreen';
import { TopicsView } from './TopicsView';
import { UsersView } from './UsersView';

// The charts and their library load when first opened: a smaller page to start.
const ChartsView = lazy(() => import('./ChartsView').then((module) => ({ default: module.ChartsView })));

/** The operator GUI: connects the store to `transport`, then shows the token screen or the hub. */
export function App({ transport }: { transport: Transport }) {
  const connect = useStore((s) => s.connect);
  useEffect(() => connect(transport), [connect, transport]);
  const link = useStore((s) => s.link);
  const loaded = useStore((s) => s.loaded);
  const view = useStore((s) => s.view);
  const keyDialog = useStore((s) => s.keyDialog);

  if (link.kind === 'unauthorized') return <TokenScreen reason={link.reason} />;
  return (
    <div className="app">
      <Header />
      <main className="app-main">
        <StatusBanner />
        <ClusterBanner />
        <OpenHubBanner />
        <DeviceUrls />
        <ClusterPanel />
        <Tabs />
        <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`} className="panel">
          {!loaded ? (
            <p className="loading" role="status">
              Connecting to the hub…
            </p>
          ) : (
            <CurrentView view={view} />
          )}
        </div>
      </main>
      {keyDialog !== null && <KeyDialog key={keyDialog} mode={keyDialog} />}
    </div>
  );
}

function CurrentView({ view }: { view: ReturnType<typeof useStore.getState>['view'] }) {
  switch (view) {
    case 'clients':
      return <ClientsView />;
    case 'users':
      return <UsersView />;
    case 'topics':
      return <TopicsView />;
    case 'keys':
      return <KeysView />;
    case 'webhooks':
      return <WebhooksView />;
    case 'send':
      return <SendView />;
    case 'log':
      return <LogView />;
    case 'settings':
      return <SettingsView />;
    case 'messages':
      return <MessagesView />;
    case 'charts':
      return (
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading the charts…
            </p>
          }
        >
          <ChartsView />
        </Suspense>
      );
  }
}
