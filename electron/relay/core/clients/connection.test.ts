/**
 * One connection against a recording stand-in for the `ws` socket and its TCP socket: what it
 * writes, when, and in how many calls (the integration tests drive the same code over real
 * sockets; here each write is visible).
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { Connection, type ConnectionHooks, type ConnectionSettings } from './connection';
import { Delivery, FlushScheduler } from './fanout';
import type { ClientRecord } from './registry';

/** The raw TCP socket: records writes (corked ones marked) and reports a backlog the test sets. */
class FakeSocket {
  writableLength = 0;
  destroyed = false;
  readonly writes: { bytes: Buffer; corked: boolean }[] = [];
  #corked = false;
  write(bytes: Buffer): boolean {
    this.writes.push({ bytes, corked: this.#corked });
    return true;
  }
  cork(): void {
    this.#corked = true;
  }
  uncork(): void {
    this.#corked = false;
  }
}

/** The `ws` WebSocket: its state, what it sent, and how it was closed. */
class FakeWs extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly closes: [number, string][] = [];
  terminated = 0;
  constructor(readonly _socket: FakeSocket | null = new FakeSocket()) {
    super();
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated++;
  }
}

const settings: ConnectionSettings = {
  slowConsumerPolicy: 'close',
  maxBufferedBytes: 1000,
  slowConsumerGraceMs: 60_000,
  maxTopics: 4,
  maxTopicLength: 8,
  devicePublish: 'allow',
  devicePublishRatePerSec: 0,
  devicePublishBurst: 1,
};

function connect(overrides: Partial<ConnectionSettings> = {}) {
  const ws = new FakeWs();
  const socket = ws._socket as FakeSocket;
  const record: ClientRecord<Connection> = {
    id: 'a',
    userId: 1,
    registeredAt: 0,
    topics: ['cats'],
    link: null,
    messagesSent: 0,
    bytesSent: 0,
    dropped: 0,
    name: null,
    keyId: null,
    lastSeen: 0,
    everConnected: false,
    published: 0,
  };
  const calls: string[] = [];
  const hooks: ConnectionHooks = {
    onTopics: (_c, topics) => calls.push(`topics ${JSON.stringify(topics)}`),
    onPublish: () => ({ delivered: 0, offset: 0, epoch: 'e' }),
    onWill: () => null,
    onSlowConsumer: (_c, bytes) => calls.push(`slow ${bytes}`),
    onClose: (_c, reason, code) => calls.push(`close ${reason} ${code}`),
  };
  const scheduler = new FlushScheduler();
  const connection = new Connection(
    ws as unknown as WebSocket,
    record,
    { ...settings, ...overrides },
    scheduler,
    hooks,
    '10.0.0.7',
  );
  return { ws, socket, record, calls, scheduler, connection };
}

/** A published message of `size` characters; its raw frame is what a connection writes. */
const frame = (size: number): Delivery => new Delivery('cats', 'x'.repeat(size), undefined, 0, 0, 'e');
const bytesOf = (deliveries: Delivery[]): Buffer => Buffer.concat(deliveries.map((d) => d.raw()));

describe('Connection', () => {
  it('needs the TCP socket under the WebSocket', () => {
    expect(
      () =>
        new Connection(
          new FakeWs(null) as unknown as WebSocket,
          {} as ClientRecord<Connection>,
          settings,
          new FlushScheduler(),
          {} as ConnectionHooks,
          undefined,
        ),
    ).toThrow('ws WebSocket has no underlying socket');
  });

  it("writes one turn's frames at the flush: one frame as it is, small ones in one write, in order", () => {
    const { socket, record, connection, scheduler } = connect();
    const one = frame(10);
    expect(connection.deliver(one)).toBe(true);
    expect(socket.writes).toEqual([]); // nothing before the flush
    expect(connection.bufferedBytes).toBe(one.raw().length);
    scheduler.flushNow();
    expect(socket.writes).toHaveLength(1);
    expect(socket.writes[0]?.bytes).toBe(one.raw()); // the same buffer, not a copy
    expect(connection.bufferedBytes).toBe(0);
    const frames = [frame(1), frame(200), frame(16_000)];
    for (const f of frames) connection.deliver(f);
    scheduler.flushNow();
    expect(socket.writes).toHaveLength(2);
    expect(socket.writes[1]).toEqual({ bytes: bytesOf(frames), corked: false });
    expect(record).toMatchObject({ messagesSent: 4, bytesSent: one.raw().length + bytesOf(frames).length });
  });

  it('writes large frames one by one inside a cork instead of copying them', () => {
    // Averaging over 16 KiB a frame, or over 1 MiB in all: no copy.
    for (const frames of [[frame(1), frame(40_000)], Array.from({ length: 80 }, () => frame(16_000))]) {
      const { socket, connection, scheduler } = connect({ maxBufferedBytes: 1 << 30 });
      for (const f of frames) connection.deliver(f);
      scheduler.flushNow();
      expect(socket.writes.map((w) => w.corked)).toEqual(frames.map(() => true));
      expect(socket.writes.every((w, i) => w.bytes === frames[i]?.raw())).toBe(true);
    }
    // Exactly 16 KiB a frame on average, and exactly 1 MiB in all, are still copied into one write.
    const even = Array.from({ length: 64 }, () => frame(16 * 1024 - 4));
    expect(bytesOf(even).length).toBe(1024 * 1024);
    const { socket, connection, scheduler } = connect({ maxBufferedBytes: 1 << 30 });
    for (const f of even) connection.deliver(f);
    scheduler.flushNow();
    expect(socket.writes.map((w) => [w.bytes.length, w.corked])).toEqual([[1024 * 1024, false]]);
    expect(socket.writes[0]?.bytes.equals(bytesOf(even))).toBe(true);
  });

  it('counts its backlog: what ws holds plus what waits for the flush', () => {
    const { ws, connection } = connect();
    ws.bufferedAmount = 300;
    connection.deliver(frame(10));
    expect(connection.bufferedBytes).toBe(312);
  });

  it('close policy: over the backlog limit, closes with 4002 once and refuses the frame', () => {
    const { ws, socket, calls, record, connection } = connect();
    socket.writableLength = 1000; // at the limit: still fine
    expect(connection.deliver(frame(5))).toBe(true);
    connection.flush();
    socket.writableLength = 1001;
    expect(connection.deliver(frame(5))).toBe(false);
    expect(calls).toEqual(['slow 1001']);
    expect(ws.closes).toEqual([[4002, 'slow_consumer']]);
    expect(connection.deliver(frame(5))).toBe(false); // closing: nothing more
    expect(connection.isOpen).toBe(false);
    expect(record.messagesSent).toBe(1);
  });

  it('drop policy: skips and counts each frame while over the limit, and stays open', () => {
    const { ws, socket, calls, record, connection } = connect({ slowConsumerPolicy: 'drop' });
    socket.writableLength = 5000;
    expect([connection.deliver(frame(5)), connection.deliver(frame(5))]).toEqual([false, false]);
    expect(record).toMatchObject({ dropped: 2, messagesSent: 0 });
    expect(calls).toEqual(['slow 5000', 'slow 5000']);
    expect(ws.closes).toEqual([]);
    socket.writableLength = 0;
    expect(connection.deliver(frame(5))).toBe(true);
  });

  it('delivers nothing once the socket is not open, or once it is ending', () => {
    const closing = connect();
    closing.ws.readyState = 2;
    expect(closing.connection.deliver(frame(5))).toBe(false);
    expect(closing.connection.isOpen).toBe(false);
    const ending = connect();
    ending.connection.noteEnd('error');
    expect(ending.connection.deliver(frame(5))).toBe(false);
    expect(ending.connection.isOpen).toBe(false);
    expect(ending.record.messagesSent + closing.record.messagesSent).toBe(0);
  });

  it('answers a bad frame with an error frame while open, and says nothing once closing', () => {
    const { ws, socket, connection } = connect();
    // Answers are text frames written into the corked socket, in order.
    const answers = (): string[] =>
      socket.writes.map(({ bytes }) => bytes.subarray(bytes[1] === 126 ? 4 : 2).toString('utf8'));
    ws.emit('message', Buffer.from('nope'), false);
    ws.emit('message', Buffer.from([1, 2]), true);
    expect(answers().map((text) => (JSON.parse(text) as { error: { code: string } }).error.code)).toEqual([
      'bad_frame',
      'bad_frame',
    ]);
    expect(answers()[1]).toContain('a binary frame is [4-byte length]');
    connection.close(1000, 'client_closed');
    ws.emit('message', Buffer.from('nope'), false);
    expect(answers()).toHaveLength(2);
  });

  it('passes a topics frame to the hub, and nothing for a ping', () => {
    const { ws, calls } = connect();
    ws.emit('message', Buffer.from('ping'), false);
    ws.emit('message', Buffer.from('{"topics":["a","b"]}'), false);
    expect(calls).toEqual(['topics ["a","b"]']);
    expect(ws.sent).toEqual([]);
  });

  it('stays alive through any pong or frame between heartbeats', () => {
    const { ws, connection } = connect();
    connection.isAlive = false;
    ws.emit('pong');
    expect(connection.isAlive).toBe(true);
    connection.isAlive = false;
    ws.emit('message', Buffer.from('ping'), false);
    expect(connection.isAlive).toBe(true);
  });

  it('closes once, after flushing what was queued; reports its end reason once closed', () => {
    const { ws, socket, calls, connection } = connect();
    connection.deliver(frame(5));
    connection.close(4000, 'unregistered');
    expect(socket.writes).toHaveLength(1); // queued frames leave before the close frame
    connection.close(4001, 'replaced');
    expect(ws.closes).toEqual([[4000, 'unregistered']]);
    ws.emit('close', 4000);
    expect(calls).toEqual(['close unregistered 4000']);
    const other = connect();
    other.ws.emit('close', 1006);
    expect(other.calls).toEqual(['close client_closed 1006']);
  });

  it('terminates at once, dropping what was queued', () => {
    const { ws, socket, connection, calls } = connect();
    connection.deliver(frame(5));
    connection.terminate('heartbeat_timeout');
    connection.flush();
    expect(socket.writes).toEqual([]);
    expect(ws.terminated).toBe(1);
    ws.emit('close', 1006);
    expect(calls).toEqual(['close heartbeat_timeout 1006']);
  });
});
