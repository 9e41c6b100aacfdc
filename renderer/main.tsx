import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { idleLoads, lazyViews } from './components/parts';
import { runWhenIdle } from './idle';
import { useStore } from './store';
import { createTransport } from './transport';
import './styles.css';

// The end of this module's evaluation (the page's first long task): the scale spec tells that
// task from the others by this mark, and holds it to React DOM's own (e2e/floor/).
performance.mark('relay-hub:script-evaluated');
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
// Evaluating this module is one main-thread task; the transport (it reads session storage, cleans
// the address bar and opens the socket: tens of ms on a busy machine) and the first render come in
// the next one, and the view the page opens on is fetched in the one after, so that no task is long.
setTimeout(() => {
  createRoot(root).render(
    <StrictMode>
      <App transport={createTransport()} />
    </StrictMode>,
  );
  setTimeout(() => {
    // The opening view (Clients) arrives while the hub sends its first snapshot, which it waits for
    // anyway; a failure shows in its panel when it renders.
    lazyViews[useStore.getState().view].preload().catch(() => undefined);
    // The other views' chunks load once the page is on screen and idle: switching tabs then needs no wait.
    // Once all are in, the page says so on <html> (what the e2e suite waits for before it expects
    // every tab to show at once; readable in DevTools too).
    runWhenIdle(idleLoads, window, () => {
      document.documentElement.dataset.partsLoaded = 'true';
    });
  }, 0);
}, 0);
