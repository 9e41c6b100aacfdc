/**
 * Where MQTT clients come in: TCP on `mqttPort`, TLS on `mqttsPort` (with the hub's certificate),
 * and WebSocket at `/mqtt` on the hub's own port (subprotocol `mqtt`, the origin allow-list
 * applies). A port already taken is not fatal: the hub runs, and says "MQTT off: port N in use".
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { MqttListenInfo } from '../../../../shared/hub';
import type { Hub } from '../../core/hub';
import { refuseUpgrade } from '../../server/server';
import { loadTls } from '../../server/tls';
import type { MqttDoor } from './door';

/** The path of MQTT over WebSocket on the hub's HTTP port. */
export const mqttWebSocketPath = '/mqtt';

/** The MQTT listeners of one start of the hub. */
export class MqttListeners {
  #tcp: Server | null = null;
  #tls: Server | null = null;
  readonly #wss: WebSocketServer;
  #info: MqttListenInfo = { port: null, tlsPort: null, problem: null, path: mqttWebSocketPath };

  constructor(
    private readonly hub: Hub,
    private readonly door: MqttDoor,
  ) {
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: hub.options.maxPayloadBytes + 4 * hub.options.maxTopicLength + 64,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
    });
  }

  /** Where MQTT is served (ports bound, or why not). */
  get info(): MqttListenInfo {
    return this.#info;
  }

  /** Opens the TCP (and TLS) listeners; a port in use is noted, not thrown. */
  async listen(): Promise<MqttListenInfo> {
    const { host, mqttPort, mqttsPort, tlsCertFile, tlsKeyFile } = this.hub.options;
    const problems: string[] = [];
    const info: MqttListenInfo = { port: null, tlsPort: null, problem: null, path: mqttWebSocketPath };
    if (mqttPort !== null) {
      const server = createServer((socket) => this.#serve(socket, 'mqtt', socket.remoteAddress));
      const port = await this.#bind(server, host, mqttPort, problems);
      if (port !== null) [this.#tcp, info.port] = [server, port];
    }
    if (mqttsPort !== null && tlsCertFile !== null && tlsKeyFile !== null) {
      const tls = await loadTls(tlsCertFile, tlsKeyFile);
      const server = createTlsServer(
        { cert: tls.options.cert, key: tls.options.key, minVersion: 'TLSv1.2' },
        (socket) => this.#serve(socket, 'mqtt', socket.remoteAddress),
      );
      server.on('tlsClientError', () => this.hub.counters.tlsHandshakeFailures++);
      const port = await this.#bind(server, host, mqttsPort, problems);
      if (port !== null) [this.#tls, info.tlsPort] = [server, port];
    }
    info.problem = problems.length === 0 ? null : problems.join('; ');
    this.#info = info;
    return info;
  }

  async #bind(server: Server, host: string, port: number, problems: string[]): Promise<number | null> {
    server.listen(port, host);
    try {
      await once(server, 'listening');
      return (server.address() as AddressInfo).port;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const problem =
        code === 'EADDRINUSE'
          ? `MQTT off: port ${port} in use — change it in Settings`
          : `MQTT off: cannot listen on port ${port} (${code ?? String(error)})`;
      // The hub runs on without it: a warning, said once.
      this.hub.log.warn({ port, code }, problem);
      problems.push(problem);
      return null;
    }
  }

  #serve(socket: Duplex, protocol: 'mqtt' | 'mqtt-ws', remote: string | undefined): void {
    socket.on('error', destroy);
    this.door.handle(socket, protocol, remote);
  }

  /** Takes an upgrade to `/mqtt` (true), or leaves it to the other routes (false). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== mqttWebSocketPath) return false;
    const origin = req.headers.origin;
    const allowed = this.hub.options.allowedOrigins;
    if (origin !== undefined && allowed !== null && !allowed.includes(origin)) {
      this.hub.noteRejected('forbidden');
      refuseUpgrade(socket, 403, 'forbidden', `origin ${origin} is not allowed`);
      return true;
    }
    const remote = req.socket.remoteAddress;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', destroy);
      this.#serve(stream, 'mqtt-ws', remote);
    });
    return true;
  }

  /** Re-reads the certificate and key (a renewal, like the HTTPS side's): new connections get them. */
  async reloadTls(): Promise<void> {
    const { tlsCertFile, tlsKeyFile } = this.hub.options;
    if (this.#tls === null || tlsCertFile === null || tlsKeyFile === null) return;
    const tls = await loadTls(tlsCertFile, tlsKeyFile);
    (this.#tls as TlsServer).setSecureContext({ cert: tls.options.cert, key: tls.options.key, minVersion: 'TLSv1.2' });
  }

  /** Closes the listeners (the door closes the connections). */
  async close(): Promise<void> {
    const servers = [this.#tcp, this.#tls].filter((s): s is Server => s !== null);
    this.#tcp = this.#tls = null;
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.#info = { port: null, tlsPort: null, problem: null, path: mqttWebSocketPath };
  }
}

function destroy(this: Duplex): void {
  this.destroy();
}
