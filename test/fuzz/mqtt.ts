/**
 * Seeded MQTT byte sequences for the fuzz test: valid packets from mqtt-packet (CONNECT,
 * SUBSCRIBE, PUBLISH at every QoS, UNSUBSCRIBE, PINGREQ, DISCONNECT, PUBREL…) mutated — bits
 * flipped, bytes cut or inserted, lengths lied about, packets reordered, junk appended — plus
 * plain noise. Used only by tests.
 */
import mqttPacket from 'mqtt-packet';
import type { Rng } from './gen';

/** One fuzz case: the chunks written, in order, on a fresh connection. */
export interface MqttCase {
  family: string;
  chunks: Buffer[];
}

const topics = ['a', 'a/b', 'a/+', '#', 'a/#/b', 'a+', '', '$SYS/x', 'é/😀', 'x'.repeat(300), 'a\u0000b'];

function connect(rng: Rng): Buffer {
  const packet: Record<string, unknown> = {
    cmd: 'connect',
    protocolId: rng.pick(['MQTT', 'MQIsdp', 'MQTX']),
    protocolVersion: rng.pick([3, 4, 4, 4, 5, 6]),
    clean: rng.chance(0.7),
    clientId: rng.pick(['', 'fuzz', 'x'.repeat(rng.int(300)), 'é']),
    keepalive: rng.pick([0, 1, 30, 65_535]),
  };
  if (rng.chance(0.3)) packet.username = rng.pick(['', 'u', 'operator']);
  if (packet.username !== undefined && rng.chance(0.5)) packet.password = rng.bytes(rng.int(40));
  if (rng.chance(0.3)) {
    packet.will = {
      topic: rng.pick(topics.filter((t) => t !== '')),
      payload: rng.bytes(rng.int(20)),
      qos: rng.int(3),
      retain: rng.chance(0.5),
    };
  }
  try {
    return mqttPacket.generate(packet as never);
  } catch {
    return mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'fuzz',
      keepalive: 30,
    });
  }
}

function control(rng: Rng): Buffer {
  const topic = rng.pick(topics);
  const messageId = 1 + rng.int(65_535);
  const packets: (() => unknown)[] = [
    () => ({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: rng.int(3) }] }),
    () => ({ cmd: 'unsubscribe', messageId, unsubscriptions: [topic] }),
    () => ({
      cmd: 'publish',
      topic,
      payload: rng.bytes(rng.int(200)),
      qos: rng.int(3),
      retain: rng.chance(0.2),
      dup: rng.chance(0.1),
      messageId,
    }),
    () => ({ cmd: 'pingreq' }),
    () => ({ cmd: 'disconnect' }),
    () => ({ cmd: 'puback', messageId }),
    () => ({ cmd: 'pubrec', messageId }),
    () => ({ cmd: 'pubrel', messageId }),
    () => ({ cmd: 'pubcomp', messageId }),
    () => ({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
  ];
  try {
    return mqttPacket.generate(rng.pick(packets)() as never);
  } catch {
    return rng.bytes(1 + rng.int(10));
  }
}

/** A mutation of `bytes`: flipped bits, a cut, an insertion, a lying length byte. */
function mutate(rng: Rng, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (rng.int(5)) {
    case 0:
      for (let i = 0; i < 1 + rng.int(4); i++) {
        const at = rng.int(out.length);
        out[at] = (out[at] ?? 0) ^ (1 << rng.int(8));
      }
      return out;
    case 1:
      return out.subarray(0, rng.int(out.length));
    case 2: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), rng.bytes(1 + rng.int(8)), out.subarray(at)]);
    }
    case 3:
      if (out.length > 1) out[1] = rng.pick([0, 0x7f, 0xff, (out[1] ?? 0) + 1, Math.max(0, (out[1] ?? 0) - 1)]);
      return out;
    default:
      return Buffer.concat([out, rng.bytes(rng.int(30))]);
  }
}

/** One seeded case. */
export function mqttCase(rng: Rng): MqttCase {
  const kind = rng.int(5);
  if (kind === 0) return { family: 'mqtt:noise', chunks: [rng.bytes(1 + rng.int(64))] };
  const packets = [connect(rng)];
  for (let i = 0; i < rng.int(5); i++) packets.push(control(rng));
  if (kind === 1) return { family: 'mqtt:valid-sequence', chunks: packets };
  if (kind === 2) {
    const i = rng.int(packets.length);
    packets[i] = mutate(rng, packets[i] as Buffer);
    return { family: 'mqtt:mutated', chunks: packets };
  }
  if (kind === 3) {
    // Reordered: something before CONNECT, or two CONNECTs.
    return { family: 'mqtt:order', chunks: [control(rng), ...packets, ...(rng.chance(0.5) ? [connect(rng)] : [])] };
  }
  // One stream cut into random pieces (the parser must reassemble).
  const all = Buffer.concat(packets);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const n = 1 + rng.int(16);
    chunks.push(all.subarray(at, at + n));
    at += n;
  }
  return { family: 'mqtt:split', chunks };
}
