// The MQTT scenario of `npm run bench` (`--only mqtt`): the hub's MQTT door side by side with
// Debian's /usr/sbin/mosquitto (2.0, started on a free port with a temporary config), in the same
// run, with the same load: fan-out (one topic, 1,000 subscribers, QoS 0, 64-byte payloads):
// deliveries/s and server CPU per delivery; many-to-one (500 publishers, one subscriber):
// messages/s; memory per idle MQTT connection (server RSS growth / connections), with a third
// reference there: a bare node:net server that answers CONNECT and holds the socket (mqtt-floor-
// server.mjs), the least any broker running on Node needs per connection. The load
// generator speaks MQTT over raw sockets with packets built once by mqtt-packet and counts bytes
// (every PUBLISH of a run has the same size), so it is not the bottleneck. Servers are pinned to
// CPU 0 and the generator to CPU 1 when `taskset` exists. The machine is shared: read the ratios.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqttPacket from 'mqtt-packet';

const connectPacket = (clientId) =>
  mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 });
const connackBytes = 4;
const subackBytes = 5;

/** A server process with its CPU time and RSS read from /proc. */
function startProcess(pin, cmd, args) {
  const child = pin
    ? spawn('taskset', ['-c', '0', cmd, ...args], { stdio: 'ignore' })
    : spawn(cmd, args, { stdio: 'ignore' });
  const proc = (file) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
  return {
    cpuSeconds: () => {
      const fields = proc('stat').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(proc('status'))[1]),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** One raw MQTT connection: CONNECT (and SUBSCRIBE), then counts the bytes it receives. */
async function mqttSocket(port, clientId, subscribe = null) {
  for (let attempt = 0; ; attempt++) {
    try {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      const conn = { socket, bytes: 0 };
      const header = connackBytes + (subscribe === null ? 0 : subackBytes);
      let ready;
      const readyP = new Promise((resolve, reject) => {
        ready = resolve;
        socket.once('error', reject);
        socket.once('close', () => reject(new Error('closed')));
      });
      readyP.catch(() => {}); // a refused connect is retried below
      socket.on('data', (chunk) => {
        conn.bytes += chunk.length;
        if (conn.bytes >= header) ready();
      });
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.write(connectPacket(clientId));
      if (subscribe !== null) {
        socket.write(
          mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: subscribe, qos: 0 }] }),
        );
      }
      await readyP;
      conn.bytes -= header;
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      return conn;
    } catch (error) {
      if (attempt > 200) throw error;
      await sleep(50);
    }
  }
}

async function pool(count, width, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const publishBytes = (topic, payload) =>
  mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });

/** Fan-out: `subs` subscribers of one topic, one publisher sending `messages` QoS 0 messages in windows. */
async function fanout(server, port, subs, messages) {
  const topic = 'bench/fanout';
  const subscribers = [];
  await pool(subs, 64, async (i) => subscribers.push(await mqttSocket(port, `sub-${i}`, topic)));
  const publisher = await mqttSocket(port, 'publisher');
  const frame = publishBytes(topic, Buffer.alloc(64, 0x61));
  const window = 20;
  const minReceived = () => Math.min(...subscribers.map((s) => Math.floor(s.bytes / frame.length)));
  const cpu0 = server.cpuSeconds();
  const t0 = process.hrtime.bigint();
  let sent = 0;
  const deadline = Date.now() + 60_000;
  while (sent < messages) {
    const batch = Buffer.concat(Array.from({ length: window }, () => frame));
    publisher.socket.write(batch);
    sent += window;
    while (minReceived() < sent - window && Date.now() < deadline) await sleep(1);
  }
  while (minReceived() < sent && Date.now() < deadline) await sleep(2);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const delivered = subscribers.reduce((sum, s) => sum + Math.floor(s.bytes / frame.length), 0);
  const cpu = server.cpuSeconds() - cpu0;
  for (const s of [...subscribers, publisher]) s.socket.destroy();
  return {
    'deliveries/s': delivered / seconds,
    'CPU µs/deliv': (cpu * 1e6) / Math.max(1, delivered),
    'lost %': (100 * (subs * sent - delivered)) / (subs * sent),
  };
}

/** Many-to-one: `publishers` connections each publishing `each` QoS 0 messages to one subscriber. */
async function manyToOne(server, port, publishers, each) {
  const topic = 'bench/inbox';
  const subscriber = await mqttSocket(port, 'inbox', topic);
  const sockets = [];
  await pool(publishers, 64, async (i) => sockets.push(await mqttSocket(port, `pub-${i}`)));
  const frame = publishBytes(topic, Buffer.alloc(64, 0x62));
  const batch = 10;
  const total = publishers * each;
  const received = () => Math.floor(subscriber.bytes / frame.length);
  const cpu0 = server.cpuSeconds();
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + 60_000;
  let sent = 0;
  while (sent < total && Date.now() < deadline) {
    for (const s of sockets) s.socket.write(Buffer.concat(Array.from({ length: batch }, () => frame)));
    sent += batch * sockets.length;
    while (received() < sent - publishers * batch && Date.now() < deadline) await sleep(1);
  }
  while (received() < sent && Date.now() < deadline) await sleep(2);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = server.cpuSeconds() - cpu0;
  for (const s of [...sockets, subscriber]) s.socket.destroy();
  return {
    'messages/s': received() / seconds,
    'CPU µs/msg': (cpu * 1e6) / Math.max(1, received()),
    'lost %': (100 * (sent - received())) / sent,
  };
}

/** Memory per idle connection: server RSS growth over `count` connected, silent MQTT clients. */
async function idleMemory(server, port, count) {
  await sleep(300);
  const before = server.rssKiB();
  const sockets = [];
  await pool(count, 64, async (i) => sockets.push(await mqttSocket(port, `idle-${i}`)));
  await sleep(500);
  const after = server.rssKiB();
  for (const s of sockets) s.socket.destroy();
  return { 'KiB/conn': (after - before) / count };
}

/** Runs the MQTT scenarios on the hub and on mosquitto; prints figures and hub/mosquitto ratios. */
export async function mqttBench({ quick, repeats, pin, hubArgs, nextPort, fmt, median }) {
  const sizes = quick
    ? { subs: 200, messages: 200, publishers: 100, each: 20, idle: 500 }
    : { subs: 1000, messages: 1000, publishers: 500, each: 100, idle: 2000 };
  console.log(`mqtt: ${JSON.stringify(sizes)} (shared machine: figures are noisy, read the ratios)`);
  const servers = {
    hub: async () => {
      const [port, mqtt] = [nextPort(), nextPort()];
      const [cmd, args] = hubArgs(port, [
        '--mqtt-port',
        String(mqtt),
        '--max-buffered-bytes',
        String(16 * 1024 * 1024),
      ]);
      return { proc: startProcess(pin, cmd, args), port: mqtt };
    },
    mosquitto: async () => {
      const port = nextPort();
      const dir = mkdtempSync(join(tmpdir(), 'relay-hub-bench-mosquitto-'));
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\n`);
      return { proc: startProcess(pin, '/usr/sbin/mosquitto', ['-c', conf]), port };
    },
    'node:net': async () => {
      const port = nextPort();
      const floor = new URL('./mqtt-floor-server.mjs', import.meta.url).pathname;
      const args = ['--max-semi-space-size=4', floor, '--port', String(port)]; // as the hub runs
      return { proc: startProcess(pin, process.execPath, args), port };
    },
  };
  /** The servers each scenario runs on: the floor only holds idle connections. */
  const serversOf = (scenario) => (scenario === 'idleMemory' ? ['hub', 'mosquitto', 'node:net'] : ['hub', 'mosquitto']);
  const scenarios = {
    fanout: (s, port) => fanout(s, port, sizes.subs, sizes.messages),
    manyToOne: (s, port) => manyToOne(s, port, sizes.publishers, sizes.each),
    idleMemory: (s, port) => idleMemory(s, port, sizes.idle),
  };
  const results = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    results[name] = Object.fromEntries(serversOf(name).map((server) => [server, []]));
    for (let r = 0; r < repeats; r++) {
      const order = r % 2 === 0 ? serversOf(name) : serversOf(name).reverse();
      for (const serverName of order) {
        const { proc, port } = await servers[serverName]();
        try {
          await mqttSocket(port, 'probe').then((c) => c.socket.destroy());
          const result = await scenario(proc, port);
          results[name][serverName].push(result);
          const line = Object.entries(result).map(([k, v]) => `${k}=${fmt(v)}`);
          console.log(`  mqtt ${name} r${r + 1} ${serverName.padEnd(9)} ${line.join(' ')}`);
        } finally {
          await proc.stop();
        }
      }
    }
  }
  console.log(
    '\n| mqtt scenario | metric | hub | mosquitto | hub/mosquitto | bare node:net |\n|---|---|---:|---:|---:|---:|',
  );
  for (const [name, runs] of Object.entries(results)) {
    for (const metric of Object.keys(runs.hub[0] ?? {})) {
      const h = median(runs.hub.map((x) => x[metric]));
      const m = median(runs.mosquitto.map((x) => x[metric]));
      const ratio = m !== 0 ? `${(h / m).toFixed(2)}×` : '';
      const floor = runs['node:net'] === undefined ? '' : fmt(median(runs['node:net'].map((x) => x[metric])));
      console.log(`| ${name} | ${metric} | ${fmt(h)} | ${fmt(m)} | ${ratio} | ${floor} |`);
    }
  }
  const med = (name, server, metric) => median(results[name][server].map((x) => x[metric]));
  const rate = med('fanout', 'hub', 'deliveries/s') / med('fanout', 'mosquitto', 'deliveries/s');
  const memory = med('idleMemory', 'hub', 'KiB/conn') / med('idleMemory', 'mosquitto', 'KiB/conn');
  const floor = med('idleMemory', 'node:net', 'KiB/conn') / med('idleMemory', 'mosquitto', 'KiB/conn');
  console.log(
    `\nMQTT targets: fan-out deliveries/s ${rate.toFixed(2)}× mosquitto (target ≥ 0.5×), ` +
      `memory per idle connection ${memory.toFixed(2)}× mosquitto (target ≤ 2×; ` +
      `a bare node:net server holding the same sockets: ${floor.toFixed(2)}×)`,
  );
}
