import { useState } from 'react';
import { mosquittoSubLine, mqttUrls, mqttWebSocketUrls } from '../../shared/mqtt-address';
import { useStore } from '../store';
import { CopyButton } from './CopyButton';
import { Loaded } from './lazyPart';
import { MqttMore } from './parts';

/**
 * Where MQTT clients connect, beside the WebSocket URLs: `mqtt://<lan-host>:<port>` with a copy
 * button, and on demand its QR code, the MQTT-over-WebSocket URL and a `mosquitto_sub` line to
 * paste (MqttMore, its own chunk with the QR code library); or why MQTT is off ("MQTT off: port 1883 in use — change it in Settings").
 */
export function MqttAddress() {
  const listen = useStore((s) => s.status.listen);
  const tokenRequired = useStore((s) => s.security.tokenRequired);
  const [open, setOpen] = useState(false);
  if (listen === null || listen.mqtt === undefined) return null;
  const problem = listen.mqtt.problem;
  const url = mqttUrls(listen)[0] ?? null;
  if (url === null) {
    return problem === null ? null : (
      <span className="url-item mqtt-off" role="status" data-testid="mqtt-problem">
        {problem}
      </span>
    );
  }
  const line = mosquittoSubLine(url, tokenRequired ? '"$RELAY_HUB_TOKEN"' : null);
  return (
    <span className="mqtt-address">
      <span className="url-bar-label">MQTT</span>
      <span className="url-item">
        <code data-testid="mqtt-url">{url}</code>
        <CopyButton text={url} />
        <button type="button" className="btn btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'QR & more'}
        </button>
      </span>
      {problem !== null && <span className="muted">{problem}</span>}
      {open && (
        <Loaded>
          <MqttMore url={url} line={line} webSocketUrl={mqttWebSocketUrls(listen)[0] ?? '/mqtt'} />
        </Loaded>
      )}
    </span>
  );
}
