/**
 * The device SDK's deadlines against real servers that accept and never answer: a TCP server that
 * holds every connection silently (registering, opening the socket), and a WebSocket server that
 * completes the upgrade and then ignores every frame (a publish's ack).
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { connect, type RelayClient, type RelayError } from '../../client/index';
import { waitForState } from '../support/sdk';

const clients: RelayClient[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const close of closers.splice(0)) await close();
});

/** A TCP server that accepts every connection and never writes a byte. */
async function silentServer(): Promise<{ port: number; accepted: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

function firstError(client: RelayClient): Promise<RelayError> {
  return new Promise((resolve) => client.once('error', resolve));
}

function start(port: number, extra: { id?: string } = {}): RelayClient {
  const client = connect({
    hub: `http://127.0.0.1:${port}`,
    userId: 1,
    topics: ['cats'],
    WebSocket,
    timeoutMs: 300,
    reconnect: { baseMs: 10_000 },
    ...extra,
  });
  clients.push(client);
  return client;
}

describe('the device SDK against a hub that never answers', () => {
  it('gives up registering after timeoutMs with code timeout, and retries with backoff', async () => {
    const server = await silentServer();
    const client = start(server.port);
    const error = await firstError(client);
    expect(error.code).toBe('timeout');
    await waitForState(client, 'reconnecting', 2_000);
    expect(server.accepted()).toBeGreaterThanOrEqual(1);
    expect(client.id).toBeNull();
  });

  it('gives up opening the socket of a known registration after timeoutMs, and retries with backoff', async () => {
    const server = await silentServer();
    const client = start(server.port, { id: 'abc' });
    const reconnecting = new Promise<{ attempt: number }>((resolve) => client.once('reconnecting', resolve));
    const error = await firstError(client);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('open the socket');
    // Then the registration check (a plain GET) times out too, and the client waits to retry.
    expect((await reconnecting).attempt).toBe(1);
    expect(client.state).toBe('reconnecting');
  });

  it('rejects a publish with code timeout when the hub never acknowledges it', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    closers.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    });
    const received: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (data: Buffer) => received.push(data.toString())));
    const client = start((wss.address() as AddressInfo).port, { id: 'abc' });
    await waitForState(client, 'open', 2_000);
    const failure = await client.publish('cats', 'hello').catch((error: unknown) => error as RelayError);
    expect(failure).toMatchObject({ code: 'timeout' });
    expect(received.some((frame) => frame.includes('"hello"'))).toBe(true);
    expect(client.state).toBe('open');
  });
});
