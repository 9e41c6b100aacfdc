// A small load generator for WebSocket pub/sub hubs: raw TCP sockets (no per-client `ws`
// object, so the generator is not the bottleneck), a minimal frame reader, keep-alive HTTP.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/** HTTP JSON request over a keep-alive agent; resolves with { status, body }. */
export function httpJson(agent, port, method, path, value) {
  return new Promise((resolve, reject) => {
    const body = value === undefined ? undefined : JSON.stringify(value);
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST of raw bytes (`application/octet-stream`: a binary message) over a keep-alive agent. */
export function httpBytes(agent, port, path, bytes) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': bytes.length };
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

// Idle sockets close after 4 s, before the hub's 5 s keep-alive timeout (Node's agent ignores the
// server's Keep-Alive hint without a timeout of its own), so a reused socket is never one being closed.
export const newAgent = (sockets) => new Agent({ keepAlive: true, maxSockets: sockets, timeout: 4_000 });

/** Runs `task(i)` for i < count with at most `limit` in flight. */
export async function pool(count, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/**
 * One raw WebSocket client. Calls onText(payloadBuffer) per text frame. `paused` clients never
 * read (a stalled device).
 */
export function openClient(port, id, onText, { paused = false } = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const client = { socket, closeCode: null, closed: false };
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => (client.closed = true));
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET /ws/${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffer.subarray(0, 12).toString().includes('101')) {
          reject(new Error(`upgrade refused: ${buffer.subarray(0, 40).toString()}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        if (paused) socket.pause();
        resolve(client);
      }
      let offset = 0;
      while (buffer.length - offset >= 2) {
        const opcode = buffer[offset] & 0x0f;
        let length = buffer[offset + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (buffer.length - offset < 4) break;
          length = buffer.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (buffer.length - offset < 10) break;
          length = buffer.readUInt32BE(offset + 6);
          header = 10;
        }
        if (buffer.length - offset < header + length) break;
        const payload = buffer.subarray(offset + header, offset + header + length);
        // Text and binary messages alike (a binary message carries the same bytes).
        if (opcode === 1 || opcode === 2) onText(payload);
        else if (opcode === 8) client.closeCode = length >= 2 ? payload.readUInt16BE(0) : 1005;
        else if (opcode === 9) socket.write(Buffer.from([0x8a, 0x80, 0, 0, 0, 0])); // masked empty pong
        offset += header + length;
      }
      buffer = offset === buffer.length ? Buffer.alloc(0) : buffer.subarray(offset);
    });
    setTimeout(() => reject(new Error('connect timeout')), 20_000).unref();
  });
}

/** Sends one masked text frame (a client's frames must be masked; a zero key leaves the bytes as they are). */
export function sendText(client, text) {
  const payload = Buffer.from(text);
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x81, 0x80 | length, 0, 0, 0, 0])
      : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff, 0, 0, 0, 0]);
  client.socket.write(Buffer.concat([head, payload]));
}

/** A message of `size` bytes carrying a sequence number and the send time (µs, this process's clock). */
export function makeMessage(seq, size) {
  const head = `m${seq} ${Math.round(performance.now() * 1000)} `;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}

/** Latency in µs of a received message made by makeMessage (same process clock). */
export function latencyOf(payload) {
  const text = payload.toString('latin1', 0, 40);
  const start = text.indexOf(' ') + 1;
  return performance.now() * 1000 - Number(text.slice(start, text.indexOf(' ', start)));
}

/** p-th percentile of an array of numbers (sorts in place). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
}
