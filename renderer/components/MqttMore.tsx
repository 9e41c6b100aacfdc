import { QRCodeSVG } from 'qrcode.react';
import { CopyField } from './CopyButton';

export interface MqttMoreProps {
  /** The `mqtt://` address. */
  url: string;
  /** A `mosquitto_sub` command line listening to every topic. */
  line: string;
  /** The MQTT-over-WebSocket URL. */
  webSocketUrl: string;
}

/** The MQTT address as a QR code, with a `mosquitto_sub` line and the WebSocket URL to copy. */
export function MqttMore({ url, line, webSocketUrl }: MqttMoreProps) {
  return (
    <div className="mqtt-more" data-testid="mqtt-more">
      <QRCodeSVG value={url} size={140} marginSize={2} className="qr" title="MQTT address as a QR code" />
      <div>
        <p className="muted">Listen to every topic from a terminal:</p>
        <CopyField text={line} testId="mosquitto-sub-line" />
        <p className="muted">MQTT over WebSocket (browsers, MQTT.js):</p>
        <CopyField text={webSocketUrl} testId="mqtt-ws-url" />
      </div>
    </div>
  );
}
