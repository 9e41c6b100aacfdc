import { useStore } from '../store';

/** In a cluster: the hub a client's socket is on (its name, or "this hub"), on a line under its status. */
export function ClientHub({ hub }: { hub: string | null | undefined }) {
  const name = useStore((s) => {
    if (hub == null || s.cluster === null) return null;
    const member = s.cluster.members.find((m) => m.id === hub);
    return member?.self === true ? 'this hub' : (member?.name ?? hub);
  });
  if (name === null) return null;
  return (
    <span className="client-hub muted" title={`Its socket is on ${name}`}>
      on {name}
    </span>
  );
}
