/**
 * The MQTT door with clients nobody here wrote (Debian's mosquitto_pub/mosquitto_sub and paho,
 * MQTT.js over TCP and over WebSocket at /mqtt): one topic space with HTTP and the WebSocket
 * devices in every direction, wildcards, user-targeted publishes, retained messages as one store,
 * binary payloads byte-exact, QoS 0/1/2 with the acknowledgement after the history append, wills,
 * keep-alive, MQTT 5 refused with CONNACK 1.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResponse, PublishReceipt } from '../../shared/api';
import { decodeBinaryFrame } from '../../shared/protocol';
import {
  closeAfter,
  closeMqtt,
  mosquittoPub,
  mosquittoRun,
  mosquittoSub,
  mqttClient,
  mqttHub,
  mqttJs,
  nextMessages,
  python,
} from '../support/mqtt';
import { Device, metricSample, postJson, rawRequest, register, type TestHub } from '../support/relay';
import { connect as connectSdk } from '../../client/index';
import { sdkOptions, waitFor, waitForState } from '../support/sdk';

afterEach(closeMqtt);

async function device(hub: TestHub, userId: number, topics: string[], envelope = false): Promise<Device> {
  const { url } = await register(hub.port, userId);
  const dev = await Device.connect(envelope ? `${url}?format=envelope` : url);
  closeAfter(() => dev.close());
  await dev.setTopics(hub, topics);
  return dev;
}

describe('MQTT: one topic space with HTTP and WebSocket devices', () => {
  it('delivers HTTP and WebSocket-device publishes to mosquitto_sub, and MQTT publishes to raw and envelope devices', async () => {
    const hub = await mqttHub();
    const sub = await mosquittoSub(hub.mqtt, ['-V', 'mqttv311', '-t', 'sensors/+/temp', '-t', 'cats', '-v']);
    // HTTP → MQTT (a filter and an exact topic)
    expect((await postJson(hub.port, '/publish', { topic: 'sensors/kitchen/temp', message: '21.5' })).status).toBe(200);
    expect((await postJson(hub.port, '/publish', { topic: 'cats', message: 'meow' })).status).toBe(200);
    await sub.waitFor(2);
    // WebSocket device → MQTT
    const sender = await device(hub, 1, ['elsewhere'], true);
    sender.send(JSON.stringify({ publish: { topic: 'sensors/hall/temp', message: 'from a device' } }));
    expect(await sub.waitFor(3)).toEqual(['sensors/kitchen/temp 21.5', 'cats meow', 'sensors/hall/temp from a device']);

    // MQTT → raw and envelope WebSocket devices
    const raw = await device(hub, 2, ['cats']);
    const envelope = await device(hub, 3, ['cats'], true);
    await mosquittoPub(hub.mqtt, ['-V', 'mqttv311', '-t', 'cats', '-m', 'purr from mosquitto']);
    await raw.waitForMessages(1);
    expect(raw.messages).toEqual(['purr from mosquitto']);
    await envelope.waitForMessages(1);
    const frame = JSON.parse(envelope.messages[0] ?? '{}') as Record<string, unknown>;
    expect(frame).toMatchObject({ topic: 'cats', message: 'purr from mosquitto', offset: 2 });
    expect(typeof frame.ts).toBe('number');
    expect(typeof frame.epoch).toBe('string');
    // In the history with its offset, counted like any publish.
    const history = (await rawRequest(hub.port, 'GET', '/history/cats')).json as HistoryResponse;
    expect(history.messages.map((m) => m.message)).toEqual(['meow', 'purr from mosquitto']);
    expect(hub.relay.stats().published).toBe(4);
  });

  it('keeps + and # literal for tutorial devices, and delivers MQTT → MQTT with wildcards over TCP and WebSocket', async () => {
    const hub = await mqttHub();
    // `a/+` over HTTP is a plain topic: a tutorial device on that literal topic gets it (200).
    const literal = await device(hub, 1, ['a/+']);
    const res = await postJson(hub.port, '/publish', { topic: 'a/+', message: 'literal' });
    expect(res.status).toBe(200);
    await literal.waitForMessages(1);
    expect(literal.messages).toEqual(['literal']);
    const other = await device(hub, 2, ['a/b']);
    await postJson(hub.port, '/publish', { topic: 'a/b', message: 'concrete' });
    await other.waitForMessages(1);
    expect(literal.messages).toEqual(['literal']); // `+` matched nothing for the tutorial device

    const tcp = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, { clientId: 'js-tcp' });
    const ws = await mqttClient(`ws://127.0.0.1:${hub.port}/mqtt`, { clientId: 'js-ws' });
    await tcp.subscribeAsync('home/#');
    await ws.subscribeAsync('home/+/light');
    const gotTcp = nextMessages(tcp, 2);
    const gotWs = nextMessages(ws, 1);
    await ws.publishAsync('home/kitchen/light', 'on');
    await ws.publishAsync('home', 'parent level');
    expect((await gotTcp).map((m) => `${m.topic} ${m.payload.toString()}`)).toEqual([
      'home/kitchen/light on',
      'home parent level',
    ]);
    // MQTT 3.1.1: a client subscribed to what it publishes gets it back.
    expect((await gotWs).map((m) => m.topic)).toEqual(['home/kitchen/light']);
    const clients = hub.relay.snapshot().clients;
    expect(clients.find((c) => c.id === 'mqtt:js-tcp')).toMatchObject({ protocol: 'mqtt', filters: ['home/#'] });
    expect(clients.find((c) => c.id === 'mqtt:js-ws')).toMatchObject({
      protocol: 'mqtt-ws',
      filters: ['home/+/light'],
    });
  });

  it('carries binary payloads byte-exact both ways, as binary frames to raw devices', async () => {
    const hub = await mqttHub();
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const raw = await device(hub, 1, ['bin']);
    const envelope = await device(hub, 2, ['bin'], true);
    const listener = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    await listener.subscribeAsync('bin');
    const got = nextMessages(listener, 2);
    const publisher = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    await publisher.publishAsync('bin', everyByte, { qos: 1 });
    // And HTTP bytes → MQTT.
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    await rawRequest(hub.port, 'POST', '/publish?topic=bin', bytes, { 'content-type': 'application/octet-stream' });
    const messages = await got;
    expect(messages[0]?.payload.equals(everyByte)).toBe(true);
    expect(messages[1]?.payload.equals(bytes)).toBe(true);
    await raw.waitForFrames(2);
    expect(raw.frames[0]?.binary).toBe(true);
    expect(raw.frames[0]?.data.equals(everyByte)).toBe(true);
    await envelope.waitForFrames(1);
    const decoded = decodeBinaryFrame(envelope.frames[0]?.data ?? Buffer.alloc(0));
    expect(Buffer.from(decoded?.payload ?? []).equals(everyByte)).toBe(true);
    expect(decoded?.header).toMatchObject({ topic: 'bin', offset: 1 });
    // A text payload (valid UTF-8) reaches a raw device as a text frame.
    await publisher.publishAsync('bin', 'héllo');
    await raw.waitForFrames(3);
    expect(raw.frames[2]).toMatchObject({ binary: false });
    expect(raw.frames[2]?.data.toString('utf8')).toBe('héllo');
  });

  it('delivers a publish aimed at a user only to MQTT clients connected with that user’s key', async () => {
    const token = 'the-operators-access-token-0123';
    const hub = await mqttHub({ accessToken: token });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const key = async (users: number[]): Promise<string> => {
      const body = JSON.stringify({ name: `user ${users[0]}`, users, subscribe: ['*'], publish: ['*'] });
      const res = await rawRequest(hub.port, 'POST', '/keys', body, auth);
      return (res.json as { secret: string }).secret;
    };
    const seven = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'seven',
      username: 'any',
      password: await key([7]),
    });
    const eight = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'eight',
      username: 'eight',
      password: await key([8]),
    });
    const operator = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'op',
      username: 'operator',
      password: token,
    });
    for (const client of [seven, eight, operator]) await client.subscribeAsync('alerts');
    const got = { seven: [] as string[], eight: [] as string[], op: [] as string[] };
    seven.on('message', (_t, p) => got.seven.push(p.toString()));
    eight.on('message', (_t, p) => got.eight.push(p.toString()));
    operator.on('message', (_t, p) => got.op.push(p.toString()));
    const res = await rawRequest(
      hub.port,
      'POST',
      '/publish',
      JSON.stringify({ topic: 'alerts', message: 'for 7', user_id: 7 }),
      auth,
    );
    expect((res.json as PublishReceipt).delivered).toBe(1);
    await rawRequest(hub.port, 'POST', '/publish', JSON.stringify({ topic: 'alerts', message: 'for all' }), auth);
    const done = nextMessages(eight, 1);
    await done;
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual({ seven: ['for 7', 'for all'], eight: ['for all'], op: ['for all'] });
    expect(hub.relay.client('mqtt:seven')).toMatchObject({ userId: 7, protocol: 'mqtt' });
    expect(hub.relay.client('mqtt:op')).toMatchObject({ userId: null });
  });

  it('keeps one retained store: MQTT retain → every protocol, HTTP retain → new MQTT subscribers (retain flag), empty clears', async () => {
    const hub = await mqttHub();
    await mosquittoPub(hub.mqtt, ['-t', 'status/door', '-m', 'open', '-r', '-q', '1']);
    expect(hub.relay.streams().find((s) => s.topic === 'status/door')?.retained).toMatchObject({ message: 'open' });
    const envelope = await device(hub, 1, ['status/door'], true);
    await envelope.waitForMessages(1);
    expect(JSON.parse(envelope.messages[0] ?? '{}')).toMatchObject({ message: 'open', retained: true });

    await postJson(hub.port, '/publish', { topic: 'status/light', message: 'on', retain: true });
    const sub = await mosquittoSub(hub.mqtt, ['-t', 'status/#', '-F', '%r %t %p']);
    expect((await sub.waitFor(2)).sort()).toEqual(['1 status/door open', '1 status/light on']);
    await postJson(hub.port, '/publish', { topic: 'status/light', message: 'off' });
    expect(await sub.waitFor(3)).toContain('0 status/light off'); // a live publish: retain flag 0

    await mosquittoPub(hub.mqtt, ['-t', 'status/door', '-n', '-r']);
    expect(hub.relay.streams().find((s) => s.topic === 'status/door')?.retained ?? null).toBeNull();
    // DELETE /retained clears it for MQTT too.
    expect((await rawRequest(hub.port, 'DELETE', '/retained/status/light')).status).toBe(200);
    const later = await mosquittoRun('mosquitto_sub', hub.mqtt, ['-t', 'status/#', '-W', '1', '-F', '%r %t %p']);
    expect(later.stdout).not.toContain('status/light on');
  });
});

describe('docs/mqtt.md', () => {
  it('has mosquitto lines that work as written (host and port swapped for the test hub)', async () => {
    const hub = await mqttHub({ accessToken: 'the-operators-access-token-0123' });
    const doc = readFileSync(join(process.cwd(), 'docs', 'mqtt.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const lines = block.split('\n').filter((line) => line.startsWith('mosquitto_'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const env = { ...process.env, RELAY_HUB_TOKEN: 'the-operators-access-token-0123' };
    const local = (line: string): string =>
      line.replaceAll('192.168.1.20', '127.0.0.1').replaceAll('-p 1883', `-p ${hub.mqtt}`);
    // The open-hub lines, given the token the test hub asks for.
    const withToken = (line: string): string =>
      line.includes(' -P ') ? line : line.replace(` -p ${hub.mqtt}`, ` -p ${hub.mqtt} -u me -P "$RELAY_HUB_TOKEN"`);
    for (const line of lines.filter((l) => l.startsWith('mosquitto_pub'))) {
      await execShell(withToken(local(line)), env);
    }
    const sub = await execShell(`${withToken(local(lines[0] ?? ''))} -W 1 || true`, env);
    expect(sub).toContain('home/door open');
    expect(sub).not.toContain('meow'); // not retained: published before the subscriber came
  });
});

describe('MQTT filters for WebSocket devices (opt-in)', () => {
  it('delivers to an envelope device by its filters, naming the concrete topic (raw frames and the SDK)', async () => {
    const hub = await mqttHub();
    const { url } = await register(hub.port, 1);
    const dev = await Device.connect(`${url}?format=envelope`);
    closeAfter(() => dev.close());
    await dev.setTopics(hub, ['cats']);
    dev.send(JSON.stringify({ topics: ['cats'], filters: ['sensors/+/temp', 'alerts/#'] }));
    await waitFor(
      () => (hub.relay.snapshot().clients.find((c) => c.filters !== undefined)?.filters ?? []).length === 2,
      'the device’s two filters',
    );
    await mosquittoPub(hub.mqtt, ['-t', 'sensors/attic/temp', '-m', '18']);
    await mosquittoPub(hub.mqtt, ['-t', 'sensors/attic/humidity', '-m', '60']);
    await postJson(hub.port, '/publish', { topic: 'alerts/smoke/kitchen', message: 'smoke' });
    await postJson(hub.port, '/publish', { topic: 'cats', message: 'meow' });
    await dev.waitForMessages(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dev.messages.map((m) => (JSON.parse(m) as { topic: string }).topic)).toEqual([
      'sensors/attic/temp',
      'alerts/smoke/kitchen',
      'cats',
    ]);
    // A raw (tutorial) device cannot: it would not know which topic a message came on.
    const raw = await device(hub, 2, ['cats']);
    raw.send(JSON.stringify({ topics: ['cats'], filters: ['a/#'] }));
    await raw.waitForMessages(1);
    expect(JSON.parse(raw.messages[0] ?? '{}')).toMatchObject({ error: { code: 'bad_frame' } });
    // Invalid filters are refused.
    dev.send(JSON.stringify({ topics: ['cats'], filters: ['a/#/b'] }));
    await dev.waitForMessages(4);
    expect(JSON.parse(dev.messages[3] ?? '{}')).toMatchObject({ error: { code: 'bad_frame' } });

    // The device SDK sends them on every (re)connect.
    const sdk = connectSdk({ ...sdkOptions(hub.port), userId: 3, topics: [], filters: ['home/#'] });
    closeAfter(() => sdk.close());
    await waitForState(sdk, 'open');
    await waitFor(
      () => hub.relay.snapshot().clients.some((c) => c.userId === 3 && c.filters?.[0] === 'home/#'),
      'the SDK’s filter',
    );
    const got = new Promise<string>((resolve) => sdk.on('message', (m) => resolve(`${m.topic} ${String(m.message)}`)));
    await mosquittoPub(hub.mqtt, ['-t', 'home/garage/door', '-m', 'open']);
    expect(await got).toBe('home/garage/door open');
  });
});

describe('MQTT: QoS, wills, keep-alive and versions', () => {
  it('acknowledges QoS 1 (paho) and QoS 2 (MQTT.js) only once the message is in the history', async () => {
    const hub = await mqttHub();
    const script = `
import sys, paho.mqtt.client as mqtt
c = mqtt.Client(client_id="paho-q1")
c.connect("127.0.0.1", int(sys.argv[1]))
c.loop_start()
info = c.publish("q/one", "paho qos1", qos=1)
info.wait_for_publish(5)
print("acked" if info.is_published() else "not acked")
c.disconnect(); c.loop_stop()
`;
    expect((await python(script, [String(hub.mqtt)])).trim()).toBe('acked');
    const client = await mqttClient(`mqtt://127.0.0.1:${hub.mqtt}`);
    await client.subscribeAsync('q/two', { qos: 2 });
    const got = nextMessages(client, 1);
    await client.publishAsync('q/two', 'exactly once', { qos: 2 }); // resolves on PUBCOMP
    expect((await got)[0]).toMatchObject({ topic: 'q/two', qos: 2 });
    for (const [topic, message] of [
      ['q/one', 'paho qos1'],
      ['q/two', 'exactly once'],
    ] as const) {
      const history = (await rawRequest(hub.port, 'GET', `/history/${topic}`)).json as HistoryResponse;
      expect(history.messages.map((m) => m.message)).toEqual([message]);
    }
    // Counted for the operator.
    expect(await metricSample(hub.port, 'relay_hub_mqtt_connections')).toBe(1);
    expect(await metricSample(hub.port, 'relay_hub_mqtt_packets_received_total{type="publish"}')).toBe(2);
    expect(await metricSample(hub.port, 'relay_hub_mqtt_packets_received_total{type="pubrel"}')).toBe(1);
    expect(await metricSample(hub.port, 'relay_hub_mqtt_packets_sent_total{type="publish"}')).toBe(1);
    // A subscriber's QoS caps the delivery; the publish's QoS too.
    await client.subscribeAsync('q/zero', { qos: 0 });
    const zero = nextMessages(client, 1);
    await client.publishAsync('q/zero', 'down to 0', { qos: 2 });
    expect((await zero)[0]?.qos).toBe(0);
  });

  it('sends the will of a client cut without DISCONNECT, and of one silent past 1.5× its keep-alive', async () => {
    const hub = await mqttHub();
    const sub = await mosquittoSub(hub.mqtt, ['-t', 'wills/#', '-v']);
    const dying = await mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, {
      clientId: 'dying',
      will: { topic: 'wills/dying', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    await waitFor(() => hub.relay.client('mqtt:dying') !== null, 'mqtt:dying listed');
    expect(hub.relay.client('mqtt:dying')?.mqtt?.will).toEqual({ topic: 'wills/dying', qos: 1, retain: false });
    dying.stream.destroy(); // no DISCONNECT
    expect(await sub.waitFor(1)).toEqual(['wills/dying gone']);

    // A raw client (mqtt-packet's CONNECT) that never pings: cut after 1.5 s, its will sent.
    const socket = connect(hub.mqtt, '127.0.0.1');
    socket.resume(); // reads (and drops) the CONNACK, so that the close is seen
    await once(socket, 'connect');
    const started = Date.now();
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'silent',
        keepalive: 1,
        will: { topic: 'wills/silent', payload: Buffer.from('timed out'), qos: 0, retain: false },
      }),
    );
    await once(socket, 'close');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(await sub.waitFor(2)).toEqual(['wills/dying gone', 'wills/silent timed out']);
  });

  it('refuses MQTT 5 with CONNACK 1 (mosquitto_sub -V 5, MQTT.js v5), and serves 3.1 and 3.1.1', async () => {
    const hub = await mqttHub();
    const v5 = await mosquittoRun('mosquitto_sub', hub.mqtt, ['-V', '5', '-t', 'x', '-W', '3']);
    expect(v5.code).not.toBe(0);
    expect(v5.stderr).toMatch(/Unsupported Protocol Version/);
    await expect(mqttJs(`mqtt://127.0.0.1:${hub.mqtt}`, { protocolVersion: 5 })).rejects.toThrow();
    const raw = connect(hub.mqtt, '127.0.0.1');
    await once(raw, 'connect');
    raw.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: true,
        clientId: 'v5',
        keepalive: 10,
      }),
    );
    const connack = await firstPacket(raw, 4);
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 1 });
    await once(raw, 'close');
    for (const version of ['mqttv31', 'mqttv311']) {
      const ok = await mosquittoRun('mosquitto_pub', hub.mqtt, ['-V', version, '-t', 'v', '-m', version]);
      expect(ok.code).toBe(0);
    }
    const history = (await rawRequest(hub.port, 'GET', '/history/v')).json as HistoryResponse;
    expect(history.messages.map((m) => m.message)).toEqual(['mqttv31', 'mqttv311']);
  });
});

/** Runs one shell line (as the docs write it); resolves with its stdout. */
async function execShell(line: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await promisify(execFile)('/bin/sh', ['-c', line], { env, timeout: 10_000 });
  return stdout;
}

/** The first packet the server sends on `socket`, parsed with mqtt-packet for `protocolVersion`. */
function firstPacket(socket: Socket, protocolVersion: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parser = mqttPacket.parser({ protocolVersion });
    parser.once('packet', (packet: Record<string, unknown>) => resolve(packet));
    parser.once('error', reject);
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.once('close', () => reject(new Error('closed before a packet')));
  });
}
