import { formatCount, plural } from '../format';
import { useStore } from '../store';

/** In a cluster: every member hub with its address and its devices, this one first. */
export function ClusterPanel() {
  const cluster = useStore((s) => s.cluster);
  if (cluster === null) return null;
  const devices = cluster.members.reduce((sum, member) => sum + member.connected, 0);
  return (
    <section className="cluster-panel" aria-label="Cluster" data-testid="cluster-panel">
      <h2 className="cluster-title">
        Cluster: {plural(cluster.members.length, 'hub')}, {plural(devices, 'device')} connected
      </h2>
      <ul className="cluster-members">
        {cluster.members.map((member) => (
          <li key={member.id} className="cluster-member" data-testid="cluster-member">
            <span className="cluster-member-name">
              {member.name}
              {member.self && <span className="muted"> (this hub)</span>}
            </span>
            <code className="cluster-member-url">{member.urls[0] ?? '—'}</code>
            <span className="cluster-member-count">{formatCount(member.connected)} connected</span>
          </li>
        ))}
      </ul>
      {(cluster.late > 0 || cluster.missed > 0) && (
        <p className="muted">
          After outages: {plural(cluster.late, 'message')} of other hubs delivered late, {formatCount(cluster.missed)}{' '}
          never delivered here.
        </p>
      )}
    </section>
  );
}
