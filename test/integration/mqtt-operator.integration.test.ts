/**
 * The MQTT door as the operator runs it: MQTT over TLS with the hub's certificate (mosquitto_sub
 * --cafile, MQTT.js mqtts), the operator's unregister disconnecting a client and forgetting its
 * persistent session, a slow MQTT consumer handled by the slow-consumer policy, and a publish from
 * the GUI with QoS 1 and retain reaching MQTT subscribers so.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeMqtt, mosquittoRun, mosquittoSub, mqttClient, mqttHub, mqttJs, nextMessages } from '../support/mqtt';
import { metricSample } from '../support/relay';
import { waitFor } from '../support/sdk';

const fixtures = join(process.cwd(), 'test', 'fixtures');

afterEach(closeMqtt);

describe('MQTT for the operator', () => {
  it('serves MQTT over TLS with the hub’s certificate (mosquitto_sub --cafile, MQTT.js mqtts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-mqtts-'));
    const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    copyFileSync(join(fixtures, 'test-cert.pem'), certFile);
    copyFileSync(join(fixtures, 'test-key.pem'), keyFile);
    const hub = await mqttHub({ mqttsPort: 0, tlsCertFile: certFile, tlsKeyFile: keyFile });
    const port = hub.relay.address()?.mqtt?.tlsPort;
    if (typeof port !== 'number') throw new Error('no MQTT over TLS port');
    const sub = await mosquittoSub(port, ['--cafile', join(fixtures, 'test-cert.pem'), '-t', 'secure/#', '-v']);
    const client = await mqttClient(`mqtts://127.0.0.1:${port}`, { ca: readFileSync(join(fixtures, 'test-cert.pem')) });
    await client.publishAsync('secure/door', 'locked', { qos: 1 });
    expect(await sub.waitFor(1)).toEqual(['secure/door locked']);
    // Plain MQTT on the TLS port is refused by the handshake.
    const plain = await mosquittoRun('mosquitto_pub', port, ['-t', 'x', '-m', 'x']);
    expect(plain.code).not.toBe(0);
    // A renewed certificate (SIGHUP, the GUI): new MQTT connections get it, without a restart.
    copyFileSync(join(fixtures, 'renewed-cert.pem'), certFile);
    copyFileSync(join(fixtures, 'renewed-key.pem'), keyFile);
    expect(await hub.relay.reloadTls()).toBe(true);
    const renewed = await mosquittoRun('mosquitto_pub', port, ['--cafile', certFile, '-t', 'secure/door', '-m', 'x']);
    expect(renewed.code).toBe(0);
    const old = await mosquittoRun('mosquitto_pub', port, [
      '--cafile',
      join(fixtures, 'test-cert.pem'),
      '-t',
      'a',
      '-m',
      'x',
    ]);
    expect(old.code).not.toBe(0);
  });

  it('disconnects a client from the operator’s unregister and forgets its persistent session', async () => {
    const hub = await mqttHub();
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'kept', clean: false });
    await client.subscribeAsync('jobs', { qos: 1 });
    await waitFor(() => hub.relay.client('mqtt:kept')?.mqtt?.qos.jobs === 1, 'mqtt:kept subscribed');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(hub.relay.unregister('mqtt:kept')).toBe(true);
    await closed;
    expect(hub.relay.client('mqtt:kept')).toBeNull();
    expect(await metricSample(hub.port, 'relay_hub_mqtt_sessions_stored')).toBe(0);
    // Back with clean session 0: no session was kept.
    await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'kept', clean: false });
    await waitFor(() => hub.relay.client('mqtt:kept') !== null, 'mqtt:kept back');
    expect(hub.relay.client('mqtt:kept')?.mqtt?.qos).toEqual({});
  });

  it('keeps a persistent session listed while its client is away, queueing QoS 1 messages for it', async () => {
    const hub = await mqttHub();
    const client = await mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'away', clean: false });
    await client.subscribeAsync('jobs/#', { qos: 1 });
    await client.endAsync();
    await waitFor(() => hub.relay.client('mqtt:away')?.connected === false, 'mqtt:away away');
    expect(hub.relay.stats().connected).toBe(0); // listed, not connected
    await hub.relay.publish({ topic: 'jobs/1', message: 'queued' }, 'gui');
    const receipt = await hub.relay.publish({ topic: 'jobs/2', message: 'queued at QoS 1', qos: 1 }, 'gui');
    expect(receipt.delivered).toBe(1);
    expect(hub.relay.client('mqtt:away')?.mqtt?.queued).toBe(1);
    const back = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'away', clean: false });
    const [message] = await nextMessages(back, 1);
    expect(message).toMatchObject({ topic: 'jobs/2', qos: 1 });
  });

  it('moves MQTT to another port on a restart from the Settings, keeping persistent sessions (no data dir)', async () => {
    const hub = await mqttHub();
    const client = await mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'mover', clean: false });
    await client.subscribeAsync('moves', { qos: 1 });
    await client.endAsync();
    await hub.relay.stop();
    const info = await hub.relay.start({ mqttPort: 0 });
    const second = info.mqtt?.port ?? 0;
    expect(second).toBeGreaterThan(0);
    expect(hub.relay.client('mqtt:mover')).toMatchObject({ connected: false });
    await hub.relay.publish({ topic: 'moves', message: 'kept for you', qos: 1 }, 'gui');
    const back = await mqttClient(`mqtt://127.0.0.1:${second}`, { clientId: 'mover', clean: false });
    expect((await nextMessages(back, 1))[0]?.payload.toString()).toBe('kept for you');
    await hub.relay.stop();
    expect((await hub.relay.start({ mqttPort: null })).mqtt?.port).toBeNull();
  });

  it('applies the slow-consumer policy to an MQTT client that does not read', async () => {
    const hub = await mqttHub({ maxBufferedBytes: 64 * 1024, slowConsumerPolicy: 'close' });
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'slow' });
    await client.subscribeAsync('firehose');
    client.stream.pause(); // reads nothing from now on
    const big = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 200 && hub.relay.client('mqtt:slow') !== null; i++) {
      await hub.relay.publish({ topic: 'firehose', message: big }, 'gui');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => hub.relay.client('mqtt:slow') === null, 'mqtt:slow closed');
    expect(await metricSample(hub.port, 'relay_hub_mqtt_dropped_total')).toBeGreaterThan(0);
  });
});
