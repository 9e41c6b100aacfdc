/**
 * A TCP gate in front of a server (a hub's way to Redis): open, it forwards every connection;
 * closed, it cuts every open one and refuses new ones, as a network that went away; opened again
 * on the same port, the client reconnects by itself. Held, it keeps what the server sends back
 * until released (a slow link: nothing is lost or closed).
 */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class Gate {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #pairs = new Set<{ client: Socket; upstream: Socket }>();
  #held = false;

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** Opens a gate on 127.0.0.1 (a free port) to `targetPort`. */
  static async open(targetPort: number): Promise<Gate> {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    const gate = new Gate(port, targetPort);
    await gate.reopen();
    return gate;
  }

  /** Cuts every connection and refuses new ones. */
  async shut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server === null) return;
    const closed = once(server, 'close');
    server.close();
    await closed;
  }

  /** Keeps what the server sends from now on (the client's requests still go through). */
  hold(): void {
    this.#held = true;
    for (const { client, upstream } of this.#pairs) upstream.unpipe(client);
  }

  /** Delivers what was kept, and forwards again. */
  release(): void {
    this.#held = false;
    for (const { client, upstream } of this.#pairs) upstream.pipe(client);
  }

  /** Forwards again, on the same port. */
  async reopen(): Promise<void> {
    if (this.#server !== null) return;
    const server = createServer((client) => this.#forward(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.#server = server;
  }

  #forward(client: Socket): void {
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    const pair = { client, upstream };
    this.#pairs.add(pair);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        this.#sockets.delete(socket);
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    if (!this.#held) upstream.pipe(client);
  }
}
