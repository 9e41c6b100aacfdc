import { formatCount, formatTime } from '../format';
import { useStore } from '../store';

/** In a cluster: says loudly when this hub cannot reach Redis (it serves its own devices only) or is joining. */
export function ClusterBanner() {
  const cluster = useStore((s) => s.cluster);
  if (cluster === null || cluster.state === 'up') return null;
  if (cluster.state === 'joining') {
    return (
      <div className="banner banner-warn" role="status" data-testid="cluster-banner">
        Joining the cluster at <code>{cluster.broker}</code>…
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert" data-testid="cluster-banner">
      <p>
        <strong>Cluster degraded:</strong> Redis at <code>{cluster.broker}</code> is unreachable
        {cluster.degradedSince === null ? '' : ` since ${formatTime(cluster.degradedSince)}`}. This hub serves its own
        devices only; messages do not cross to other hubs. It rejoins by itself.
      </p>
      <p className="muted">
        {formatCount(cluster.unshared)} {cluster.unshared === 1 ? 'publish' : 'publishes'} made here meanwhile reached
        this hub&apos;s devices only.
      </p>
    </div>
  );
}
