/**
 * A TCP proxy in front of a hub that can start swallowing traffic without closing anything: the
 * half-open connection a device sees when Wi-Fi drops or a NAT forgets it (no FIN, no RST).
 */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class SwallowingProxy {
  #swallowing = false;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (port 0) and forwards every connection to `targetPort`. */
  static async start(targetPort: number): Promise<SwallowingProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new SwallowingProxy(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => proxy.#forward(client, targetPort));
    return proxy;
  }

  /** From now on, bytes in both directions on every open connection are dropped; nothing is closed. */
  swallow(): void {
    this.#swallowing = true;
  }

  /** Forwards again (new connections work; swallowed bytes stay lost). */
  resume(): void {
    this.#swallowing = false;
  }

  /** Cuts every open connection at once (both sides, no close frame): a Wi-Fi blink. New ones go through. */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Connections ever opened through the proxy, still open. */
  get open(): number {
    return this.#sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  #forward(client: Socket, targetPort: number): void {
    // A connection opened while swallowing is swallowed too: the peer never answers.
    const swallowedFromStart = this.#swallowing;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.#sockets.delete(socket));
    }
    const pass = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (!this.#swallowing && !swallowedFromStart) to.write(chunk);
      });
      from.on('close', () => {
        if (!this.#swallowing) to.destroy();
      });
    };
    pass(client, upstream);
    pass(upstream, client);
  }
}
