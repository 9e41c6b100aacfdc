import { formatCount } from '../format';
import { useStore } from '../store';
import { SecurityBadges } from './SecurityBadges';

const stateLabel = { starting: 'Starting…', running: 'Running', stopped: 'Stopped', error: 'Error' } as const;

/** App title, server status and the live counters. */
export function Header() {
  const status = useStore((s) => s.status);
  const stats = useStore((s) => s.stats);
  const perSecond = useStore((s) => s.deliveredPerSecond);
  const where = status.listen === null ? null : `${status.listen.host}:${status.listen.port}`;
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1>Relay Hub</h1>
        <span className={`status-pill state-${status.state}`} data-testid="hub-status" role="status">
          {stateLabel[status.state]}
          {status.state === 'running' && where !== null && <span className="status-where"> on {where}</span>}
        </span>
        <SecurityBadges />
      </div>
      <dl className="stats" aria-label="Hub counters">
        <Stat label="Registered" value={stats.registered} testId="stat-registered" />
        <Stat label="Connected" value={stats.connected} testId="stat-connected" />
        <Stat label="Users" value={stats.users} testId="stat-users" />
        <Stat label="Topics" value={stats.topics} testId="stat-topics" />
        <Stat label="Delivered/s" value={perSecond} testId="stat-rate" />
      </dl>
    </header>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{formatCount(value)}</dd>
    </div>
  );
}
