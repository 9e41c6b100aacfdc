import { useEffect } from 'react';
import { useStore } from '../store';
import type { View } from '../store/types';
import type { Transport } from '../transport/types';
import { ClusterBanner } from './ClusterBanner';
import { ClusterPanel } from './ClusterPanel';
import { DeviceUrls } from './DeviceUrls';
import { Header } from './Header';
import { Loaded, ViewLoading } from './lazyPart';
import { OpenHubBanner } from './OpenHubBanner';
import { KeyDialog, lazyViews } from './parts';
import { StatusBanner } from './StatusBanner';
import { Tabs } from './Tabs';
import { TokenScreen } from './TokenScreen';

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
      {keyDialog !== null && (
        <Loaded key={keyDialog}>
          <KeyDialog mode={keyDialog} />
        </Loaded>
      )}
    </div>
  );
}

/** The open view, from its chunk (parts.ts). */
function CurrentView({ view }: { view: View }) {
  const Shown = lazyViews[view];
  return (
    <Loaded key={view} fallback={<ViewLoading />}>
      <Shown />
    </Loaded>
  );
}
