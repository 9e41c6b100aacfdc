import { useStore } from '../store';
import { CopyButton } from './CopyButton';
import { MqttAddress } from './MqttAddress';
import { QuitOnCloseToggle } from './QuitOnCloseToggle';
import { UpdateCheck } from './UpdateCheck';

/** The base URLs devices on the LAN use, each with a copy button; plus the browser dashboard link in the app. */
export function DeviceUrls() {
  const urls = useStore((s) => s.status.listen?.urls ?? null);
  const dashboard = useStore((s) => s.dashboard);
  if (urls === null) return null;
  return (
    <div className="url-bar" aria-label="Device URLs">
      <span className="url-bar-label">Devices connect to</span>
      <ul className="url-list">
        {urls.length === 0 && <li className="muted">no network address found</li>}
        {urls.map((url) => (
          <li key={url} className="url-item">
            <code data-testid="device-url">{url}</code>
            <CopyButton text={url} />
          </li>
        ))}
      </ul>
      <MqttAddress />
      <span className="url-bar-end">
        <QuitOnCloseToggle />
        <UpdateCheck />
        {dashboard !== null && (
          <span className="url-item">
            <span className="url-bar-label">Browser dashboard</span>
            <CopyButton text={dashboard.url} label="Copy link" />
          </span>
        )}
      </span>
    </div>
  );
}
