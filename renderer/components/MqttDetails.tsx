import type { MqttClientInfo } from '../../shared/hub';
import { formatCount } from '../format';

/** What the client panel adds for an MQTT client: its session (client id, clean, keep-alive), QoS per subscription, its will. */
export function MqttDetails({ mqtt, protocol }: { mqtt: MqttClientInfo; protocol: string }) {
  const subscriptions = Object.entries(mqtt.qos);
  return (
    <>
      <h3>MQTT</h3>
      <dl className="detail-list" data-testid="mqtt-detail">
        <dt>Over</dt>
        <dd>{protocol === 'mqtt-ws' ? 'WebSocket (/mqtt)' : 'TCP'}</dd>
        <dt>Client id</dt>
        <dd>
          <code className="break">{mqtt.clientId}</code>
        </dd>
        <dt>Session</dt>
        <dd>{mqtt.clean ? 'Clean (ends with the connection)' : 'Persistent (kept while away)'}</dd>
        <dt>Keep-alive</dt>
        <dd>{mqtt.keepalive === 0 ? 'none' : `${mqtt.keepalive} s (cut after ${mqtt.keepalive * 1.5} s silent)`}</dd>
        <dt>Subscriptions</dt>
        <dd>
          {subscriptions.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="plain-list">
              {subscriptions.map(([filter, qos]) => (
                <li key={filter}>
                  <code>{filter}</code> <span className="muted">QoS {qos}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Will</dt>
        <dd>
          {mqtt.will === null ? (
            <span className="muted">none</span>
          ) : (
            <>
              <code>{mqtt.will.topic}</code>{' '}
              <span className="muted">
                QoS {mqtt.will.qos}
                {mqtt.will.retain ? ', retained' : ''}
              </span>
            </>
          )}
        </dd>
        <dt>Queued</dt>
        <dd>{formatCount(mqtt.queued)}</dd>
      </dl>
    </>
  );
}
