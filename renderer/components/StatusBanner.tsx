import { useStore } from '../store';
import { PortForm } from './PortForm';

/** Explains a problem with the server or the link to it, and offers the fix. Renders nothing when all is well. */
export function StatusBanner() {
  const status = useStore((s) => s.status);
  const link = useStore((s) => s.link);
  if (link.kind === 'reconnecting') {
    return (
      <div className="banner banner-warn" role="alert">
        Lost the connection to the hub. Reconnecting (attempt {link.attempt}, next try in{' '}
        {Math.ceil(link.retryInMs / 1000)} s)…
      </div>
    );
  }
  if (status.state === 'error' && status.error !== null) {
    return (
      <div className="banner banner-error" role="alert" data-testid="hub-error">
        <p>
          <strong>The hub is not running.</strong> {status.error.message}
        </p>
        {status.error.code === 'EADDRINUSE' && <PortForm />}
      </div>
    );
  }
  if (status.state === 'stopped') {
    return (
      <div className="banner banner-warn" role="status">
        The hub is stopped: devices cannot connect.
      </div>
    );
  }
  return null;
}
