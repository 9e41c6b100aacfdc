import { useStore } from '../store';

/**
 * In a cluster: the hub a client's socket is on (its name, or "this hub"), on a line under its
 * status. A hub this one no longer sees (it left, or Redis is out of reach) is "another hub".
 */
export function ClientHub({ hub }: { hub: string | null | undefined }) {
  const name = useStore((s) => {
    if (hub == null || s.cluster === null) return null;
    const member = s.cluster.members.find((m) => m.id === hub);
    if (member !== undefined) return member.self ? 'this hub' : member.name;
    return s.cluster.state === 'degraded' ? 'another hub, out of reach' : 'another hub';
  });
  if (name === null || hub == null) return null;
  return (
    <span className="client-hub muted" title={`Its socket is on ${name} (member ${hub})`}>
      on {name}
    </span>
  );
}
