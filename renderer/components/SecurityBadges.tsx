import { useStore } from '../store';

/** Header badges: "Open" (no token: anyone on the network may publish) or "Token required", plus "TLS". */
export function SecurityBadges() {
  const loaded = useStore((s) => s.loaded);
  const { tokenRequired, tls } = useStore((s) => s.security);
  const setView = useStore((s) => s.setView);
  if (!loaded) return null;
  return (
    <span className="security-badges" data-testid="security-badges">
      {tokenRequired ? (
        <span
          className="badge badge-calm"
          data-testid="badge-locked"
          title="Register, unregister and publish need the access token"
        >
          Token required
        </span>
      ) : (
        <button
          type="button"
          className="badge badge-open"
          data-testid="badge-open"
          title="No access token: anyone on this network can register and publish. Open Settings to lock it."
          onClick={() => setView('settings')}
        >
          Open
        </button>
      )}
      {tls && (
        <span className="badge badge-calm" data-testid="badge-tls" title="The hub serves https and wss">
          TLS
        </span>
      )}
    </span>
  );
}
