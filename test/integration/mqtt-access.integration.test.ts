/**
 * The MQTT door's access and limits with real clients: CONNACK 5 without the password a hub
 * with a token or device keys asks for, a device key's user and topic scope (SUBACK 0x80, a
 * publish outside it dropped), revocation disconnecting, the per-connection publish rate, the
 * connection limit shared with WebSocket devices, and bad input (malformed bytes, a wrong
 * protocol name, invalid filters, a PUBLISH to a wildcard topic, an oversized packet, a CONNECT
 * that never comes) closed while the hub keeps serving everyone else.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse } from '../../shared/api';
import { closeAfter, closeMqtt, mosquittoRun, mqttClient, mqttHub, nextMessages } from '../support/mqtt';
import { Device, metricSample, rawRequest, register, type TestHub } from '../support/relay';

const token = 'the-operators-access-token-0123';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

afterEach(closeMqtt);

async function createKey(hub: TestHub, scope: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await rawRequest(hub.port, 'POST', '/keys', JSON.stringify({ name: 'mqtt device', ...scope }), auth);
  const { key, secret } = res.json as { key: { id: string }; secret: string };
  return { id: key.id, secret };
}

async function history(hub: TestHub, topic: string): Promise<string[]> {
  const res = await rawRequest(hub.port, 'GET', `/history/${topic}`, undefined, auth);
  return res.status === 404 ? [] : (res.json as HistoryResponse).messages.map((m) => String(m.message));
}

/** A raw TCP connection to the MQTT port that records whether and when it was closed. */
async function rawSocket(port: number): Promise<Socket & { closedAt: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  await once(socket, 'connect');
  const closedAt = once(socket, 'close').then(() => Date.now());
  return Object.assign(socket, { closedAt });
}

const connectPacket = (clientId: string): Buffer =>
  mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 30 });

describe('MQTT access', () => {
  it('asks for the access token or a device key as the password (CONNACK 5 otherwise)', async () => {
    const hub = await mqttHub({ accessToken: token });
    const none = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'a', '-m', 'x']);
    expect(none.stderr).toMatch(/not authori[sz]ed/i);
    const wrong = await mosquittoRun('mosquitto_pub', hub.mqtt, [
      '-u',
      'me',
      '-P',
      'not-the-token-at-all',
      '-t',
      'a',
      '-m',
      'x',
    ]);
    expect(wrong.stderr).toMatch(/not authori[sz]ed/i);
    const ok = await mosquittoRun('mosquitto_pub', hub.mqtt, [
      '-u',
      'anyone',
      '-P',
      token,
      '-t',
      'a',
      '-m',
      'operator',
    ]);
    expect(ok.code).toBe(0);
    expect(await history(hub, 'a')).toEqual(['operator']);
    expect(await metricSample(hub.port, 'relay_hub_rejected_requests_total{reason="unauthorized"}', auth)).toBe(2);
  });

  it('on an open hub with device keys, refuses anonymous clients and applies a key’s topic scope', async () => {
    const hub = await mqttHub();
    const open = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'a', '-m', 'open hub']);
    expect(open.code).toBe(0);
    // Whatever a client's settings carry: an open hub asks nothing.
    const anyPassword = await mosquittoRun('mosquitto_pub', hub.mqtt, [
      '-u',
      'ha',
      '-P',
      'whatever',
      '-t',
      'a',
      '-m',
      'x',
    ]);
    expect(anyPassword.code).toBe(0);
    const { secret } = await createKey(hub, { users: [7], subscribe: ['sensors/*'], publish: ['sensors/*'] });
    const anonymous = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'a', '-m', 'x']);
    expect(anonymous.stderr).toMatch(/not authori[sz]ed/i);

    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'scoped',
      username: 'x',
      password: secret,
    });
    // SUBACK 0x80 outside the scope (MQTT.js rejects a SUBACK with a refusal, carrying the packet).
    const suback = await client.subscribeAsync(['sensors/+/temp', 'alerts/#', '#']).then(
      () => null,
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(suback).toEqual([0, 128, 128]);
    const got = nextMessages(client, 1);
    await client.publishAsync('alerts/fire', 'outside the scope', { qos: 1 }); // acknowledged, dropped
    await client.publishAsync('sensors/hall/temp', '20', { qos: 1 });
    expect((await got).map((m) => m.payload.toString())).toEqual(['20']);
    expect(await history(hub, 'alerts/fire')).toEqual([]);
    expect(hub.relay.client('mqtt:scoped')).toMatchObject({ userId: 7, filters: ['sensors/+/temp'] });
  });

  it('disconnects the MQTT clients of a revoked key', async () => {
    const hub = await mqttHub({ accessToken: token });
    const { id, secret } = await createKey(hub, { users: [3], subscribe: ['*'], publish: ['*'] });
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'revoked',
      username: 'x',
      password: secret,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect((await rawRequest(hub.port, 'DELETE', `/keys/${id}`, undefined, auth)).status).toBe(200);
    await closed;
    expect(hub.relay.client('mqtt:revoked')).toBeNull();
    const again = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-u', 'x', '-P', secret, '-t', 'a', '-m', 'x']);
    expect(again.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('disconnects the MQTT clients of a key when it expires', async () => {
    const hub = await mqttHub({ accessToken: token });
    const { secret } = await createKey(hub, { users: [4], subscribe: ['*'], publish: ['*'], expires_in_ms: 1_500 });
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'expiring',
      username: 'x',
      password: secret,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await closed;
    expect(hub.relay.client('mqtt:expiring')).toBeNull();
  });

  it('limits publishes per connection (over the rate: acknowledged, dropped and counted)', async () => {
    const hub = await mqttHub({ devicePublishRatePerSec: 1, devicePublishBurst: 3 });
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    for (let i = 0; i < 6; i++) await client.publishAsync('burst', `m${i}`, { qos: 1 });
    expect(await history(hub, 'burst')).toEqual(['m0', 'm1', 'm2']);
    expect(await metricSample(hub.port, 'relay_hub_rejected_requests_total{reason="rate_limited"}')).toBe(3);
  });

  it('shares the connection limit with WebSocket devices (CONNACK 3 when full)', async () => {
    const hub = await mqttHub({ maxConnections: 1 });
    const { url } = await register(hub.port, 1);
    const device = await Device.connect(url);
    closeAfter(() => device.close());
    const refused = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'a', '-m', 'x']);
    expect(refused.stderr).toMatch(/unavailable/i);
    await device.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    expect(client.connected).toBe(true);
    const { url: second } = await register(hub.port, 2);
    const res = await rawRequest(hub.port, 'GET', new URL(second).pathname, undefined, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(res.status).toBe(503);
  });
});

describe('MQTT bad input', () => {
  it('closes malformed packets, a wrong protocol name, invalid filters, a PUBLISH to a wildcard and an oversized packet; the hub keeps serving', async () => {
    const hub = await mqttHub({ maxMessageBytes: 1_000 });
    const listener = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    await listener.subscribeAsync('ok');
    const cases: [string, Buffer[]][] = [
      ['garbage', [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02])]],
      ['a wrong protocol name', [Buffer.from('100e00044d5154580400000a0002786a', 'hex')]],
      ['a packet before CONNECT', [mqttPacket.generate({ cmd: 'pingreq' })]],
      [
        'the filter a/#/b',
        [
          connectPacket('f1'),
          mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] }),
        ],
      ],
      [
        'the filter a+',
        [
          connectPacket('f2'),
          mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a+', qos: 0 }] }),
        ],
      ],
      [
        'a PUBLISH to a wildcard topic',
        [
          connectPacket('p1'),
          mqttPacket.generate({
            cmd: 'publish',
            topic: 'a/+',
            payload: Buffer.from('x'),
            qos: 0,
            retain: false,
            dup: false,
          }),
        ],
      ],
      [
        'an oversized PUBLISH',
        [
          connectPacket('p2'),
          mqttPacket.generate({
            cmd: 'publish',
            topic: 'ok',
            payload: Buffer.alloc(5_000),
            qos: 0,
            retain: false,
            dup: false,
          }),
        ],
      ],
    ];
    for (const [what, packets] of cases) {
      const socket = await rawSocket(hub.mqtt);
      const sent = Date.now();
      for (const packet of packets) socket.write(packet);
      // Closed at once, not by the 10 s CONNECT timeout.
      expect((await socket.closedAt) - sent, what).toBeLessThan(5_000);
    }
    expect(await history(hub, 'a/+')).toEqual([]);
    // Everyone else is still served.
    const got = nextMessages(listener, 1);
    const pub = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'ok', '-m', 'still here']);
    expect(pub.code).toBe(0);
    expect((await got)[0]?.payload.toString()).toBe('still here');
    expect(
      await metricSample(hub.port, 'relay_hub_rejected_requests_total{reason="mqtt_protocol_error"}'),
    ).toBeGreaterThan(0);
  });

  it('closes a connection whose CONNECT never comes (after 10 s)', async () => {
    const hub = await mqttHub();
    const socket = await rawSocket(hub.mqtt);
    const opened = Date.now();
    const closedAt = await socket.closedAt;
    expect(closedAt - opened).toBeGreaterThanOrEqual(9_000);
    const pub = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-t', 'ok', '-m', 'fine']);
    expect(pub.code).toBe(0);
  }, 20_000);
});
