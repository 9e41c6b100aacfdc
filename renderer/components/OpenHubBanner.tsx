import { useStore } from '../store';

/** While no access token is set: says the hub is open to its whole network and offers the way to lock it. */
export function OpenHubBanner() {
  const loaded = useStore((s) => s.loaded);
  const open = useStore((s) => !s.security.tokenRequired);
  const dismissed = useStore((s) => s.openBannerDismissed);
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const dismiss = useStore((s) => s.setOpenBannerDismissed);
  if (!loaded || !open || dismissed) return null;
  return (
    <div className="banner banner-open" role="status" data-testid="open-banner">
      <p>
        <strong>Open:</strong> anyone on this network can register and publish.
      </p>
      {view !== 'settings' && (
        <button type="button" className="btn btn-small" onClick={() => setView('settings')}>
          Lock it with a token
        </button>
      )}
      <button
        type="button"
        className="btn btn-small banner-dismiss"
        aria-label="Hide this notice"
        onClick={() => dismiss(true)}
      >
        Hide
      </button>
    </div>
  );
}
