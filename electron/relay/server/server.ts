/**
 * The network side: one `node:http` server (or `node:https`, when the operator gives a TLS
 * certificate and key) for REST and WebSocket upgrades on one port.
 * Unknown socket ids are refused with a JSON 404 before any upgrade.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, type ErrorCode } from '../../../shared/api';
import type { ListenInfo } from '../../../shared/hub';
import type { DeliveryFormat } from '../../../shared/protocol';
import { errorJson } from '../core/errors';
import { handleRequest, sendJson, type HttpContext } from './http';
import { handleDoorRequest } from './door-routes';
import type { HttpDoor } from '../core/door';
import type { Hub } from '../core/hub';
import type { RelayMetrics } from './metrics';
import { deviceBaseUrls, hostPort, isValidHostHeader } from './net';
import { RateLimiter } from './ratelimit';
import { announce, type Announcer } from './mdns';
import { certificateWarning, loadTls, type LoadedTls } from './tls';

/** An extra HTTP handler (the dashboard) consulted before the REST routes. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean;
/** An extra upgrade handler (the dashboard's admin socket); returns true when it took the socket. */
export type UpgradeHook = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** Hooks other modules can add to the one server. */
export interface ServerHooks {
  request?: RequestHook;
  upgrade?: UpgradeHook;
}

/** A listening hub server. */
export class RelayServer {
  #server: Server | null = null;
  #tls = false;
  readonly #wss: WebSocketServer;
  readonly #ctx: HttpContext;
  #heartbeat: NodeJS.Timeout | null = null;
  #info: ListenInfo | null = null;
  #announcer: Announcer | null = null;

  constructor(
    private readonly hub: Hub,
    private readonly hooks: ServerHooks = {},
    metrics: RelayMetrics | null = null,
    /** The doors with HTTP routes (the streams, the webhooks). */
    private readonly doors: readonly HttpDoor[] = [],
  ) {
    const { options } = hub;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false, // required by the fan-out fast path (see fanout.ts)
      clientTracking: false,
    });
    this.#ctx = {
      hub,
      maxBodyBytes: options.maxBodyBytes,
      wsBase: (req) => this.#wsBase(req),
      httpBase: (req) => this.#wsBase(req).replace(/^ws/, 'http'),
      metrics,
      rates: {
        register: new RateLimiter({ perSecond: () => options.registerRatePerSec, burst: () => options.registerBurst }),
        publish: new RateLimiter({ perSecond: () => options.publishRatePerSec, burst: () => options.publishBurst }),
      },
    };
  }

  /** Where the server listens, once started. */
  get info(): ListenInfo | null {
    return this.#info;
  }

  /**
   * Starts listening; rejects (e.g. `EADDRINUSE`, or `ETLS` for an unusable certificate or key,
   * read here so that a restart picks up a renewed certificate) without leaving anything open.
   */
  async listen(): Promise<ListenInfo> {
    const { host, port, publicUrl, heartbeatIntervalMs, tlsCertFile, tlsKeyFile } = this.hub.options;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      try {
        if (this.hooks.request?.(req, res)) return;
        if (handleDoorRequest(this.hub, this.doors, req, res)) return;
        handleRequest(this.#ctx, req, res);
      } catch (error) {
        // A bug in a handler must never take the hub down: log it, answer 500.
        this.hub.log.error({ err: error, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, errorJson('internal_error', 'internal error'));
        else res.destroy();
      }
    };
    const tls = tlsCertFile !== null && tlsKeyFile !== null ? await loadTls(tlsCertFile, tlsKeyFile) : null;
    const server: Server = tls === null ? createServer(onRequest) : createTlsServer(tls.options, onRequest);
    this.hub.counters.tlsNotAfter = null;
    if (tls !== null) {
      this.#noteCertificate(tls);
      // A failed handshake (plain HTTP on the TLS port, an untrusted certificate) only destroys that socket.
      server.on('tlsClientError', () => this.hub.counters.tlsHandshakeFailures++);
    }
    server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    // Without a listener Node drops CONNECT silently: answer it like any other wrong method.
    server.on('connect', onConnect);
    this.#server = server;
    this.#tls = tls !== null;
    server.listen(port, host);
    await once(server, 'listening'); // rejects on 'error' (e.g. EADDRINUSE)
    const actualPort = (server.address() as AddressInfo).port;
    this.#info = { host, port: actualPort, urls: deviceBaseUrls(host, actualPort, publicUrl, this.#tls) };
    if (heartbeatIntervalMs > 0) {
      this.#heartbeat = setInterval(() => this.hub.heartbeat(), heartbeatIntervalMs);
      this.#heartbeat.unref();
    }
    if (this.hub.options.mdns) {
      this.#announcer = announce(this.#announcement(), (error) =>
        this.hub.log.warn({ err: error.message }, 'cannot announce the hub over mDNS'),
      );
    }
    return this.#info;
  }

  /** What the mDNS announcement says now (call `announceAgain()` after the token changes). */
  #announcement(): { port: number; tls: boolean; tokenRequired: boolean } {
    return { port: this.#info?.port ?? 0, tls: this.#tls, tokenRequired: this.hub.options.accessToken !== null };
  }

  /** Updates the mDNS announcement (the access token was set or removed). */
  announceAgain(): void {
    this.#announcer?.update(this.#announcement());
  }

  /**
   * Re-reads the TLS certificate and key (a renewal) while listening: new connections use them,
   * open ones keep theirs. False without TLS; rejects with a TlsError, keeping the current pair.
   */
  async reloadTls(): Promise<boolean> {
    const { tlsCertFile, tlsKeyFile } = this.hub.options;
    const server = this.#server;
    if (!this.#tls || server === null || tlsCertFile === null || tlsKeyFile === null) return false;
    const tls = await loadTls(tlsCertFile, tlsKeyFile);
    (server as unknown as HttpsServer).setSecureContext(tls.options);
    this.#noteCertificate(tls);
    this.hub.log.info({ cert: tlsCertFile }, 'TLS certificate reloaded');
    return true;
  }

  #noteCertificate(tls: LoadedTls): void {
    this.hub.counters.tlsNotAfter = tls.notAfter;
    const warning = certificateWarning(tls.notAfter, Date.now());
    if (warning !== null) this.hub.log.warn({ cert: this.hub.options.tlsCertFile }, warning);
  }

  /** Stops accepting, closes every socket with 1001, and resolves when all are gone. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    const announcer = this.#announcer;
    this.#announcer = null;
    await announcer?.stop();
    const server = this.#server;
    const closed = server?.listening ? once(server, 'close') : Promise.resolve();
    server?.close();
    server?.closeIdleConnections();
    const connections = [...this.hub.connections()];
    for (const connection of connections) connection.close(CloseCode.goingAway, 'shutdown');
    this.hub.flush();
    const allClosed = Promise.all(
      connections.map((c) => (c.ws.readyState === 3 ? Promise.resolve() : once(c.ws, 'close'))),
    );
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([allClosed, timer]);
    for (const connection of connections) connection.terminate('shutdown');
    server?.closeAllConnections();
    await closed;
    this.#info = null;
  }

  #wsBase(req: IncomingMessage): string {
    const { publicUrl } = this.hub.options;
    if (publicUrl !== null) return publicUrl.replace(/^http/, 'ws');
    const scheme = this.#tls ? 'wss' : 'ws';
    const host = req.headers.host;
    if (isValidHostHeader(host)) return `${scheme}://${host}`;
    const { localAddress, localPort } = req.socket;
    return `${scheme}://${hostPort(localAddress ?? '127.0.0.1', localPort ?? 0)}`;
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A named function, not a closure: a closure here would keep this call's context (and so
    // the upgrade request, ~1.3 KiB) alive for as long as the socket lives.
    socket.on('error', destroyOnError);
    this.#safely(req, socket, () => this.#routeUpgrade(req, socket, head));
  }

  /** Runs one step of an upgrade; a bug in it refuses that socket with a 500, never takes the hub down. */
  #safely(req: IncomingMessage, socket: Duplex, step: () => void): void {
    try {
      step();
    } catch (error) {
      this.hub.log.error({ err: error, url: req.url }, 'upgrade failed');
      refuseUpgrade(socket, 500, 'internal_error', 'internal error');
    }
  }

  #routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.hooks.upgrade?.(req, socket, head)) return;
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    if (!path.startsWith('/ws/')) {
      refuseUpgrade(socket, 404, 'not_found', `no WebSocket route at ${path}`);
      return;
    }
    const origin = req.headers.origin;
    const allowed = this.hub.options.allowedOrigins;
    if (origin !== undefined && allowed !== null && !allowed.includes(origin)) {
      this.hub.noteRejected('forbidden');
      refuseUpgrade(socket, 403, 'forbidden', `origin ${origin} is not allowed`);
      return;
    }
    const id = path.slice('/ws/'.length);
    const lookup = this.hub.has(id) ? null : this.hub.lookup(id);
    if (lookup !== null) {
      // In a cluster: a registration another hub made a moment ago.
      lookup.then(
        (found) =>
          this.#safely(req, socket, () => (found ? this.#upgrade(req, socket, head, id) : refuseUnknown(socket))),
        () => refuseUnknown(socket),
      );
      return;
    }
    if (!this.hub.has(id)) {
      refuseUnknown(socket);
      return;
    }
    this.#upgrade(req, socket, head, id);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, id: string): void {
    const { maxConnections } = this.hub.options;
    // Shared with the other doors' connections (MQTT).
    if (maxConnections > 0 && this.hub.connections().size + this.hub.counters.mqtt.connections >= maxConnections) {
      this.hub.noteRejected('too_many_connections');
      refuseUpgrade(socket, 503, 'too_many_connections', `the hub holds its maximum of ${maxConnections} connections`);
      return;
    }
    const remoteAddress = req.socket.remoteAddress;
    const { format, waitForSubscribe } = socketQueryOf(req.url ?? '/');
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.hub.attach(id, ws, remoteAddress, format, waitForSubscribe);
    });
  }
}

/**
 * What a socket URL's query opts in to: `format=envelope` (anything else is the tutorial's raw
 * text), and `wait=subscribe` (hold deliveries until the first topics frame).
 */
function socketQueryOf(url: string): { format: DeliveryFormat; waitForSubscribe: boolean } {
  const query = url.indexOf('?');
  if (query === -1) return { format: 'raw', waitForSubscribe: false };
  const params = new URLSearchParams(url.slice(query + 1));
  return {
    format: params.get('format') === 'envelope' ? 'envelope' : 'raw',
    waitForSubscribe: params.get('wait') === 'subscribe',
  };
}

function refuseUnknown(socket: Duplex): void {
  refuseUpgrade(socket, 404, 'unknown_client', 'no registration with this id');
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function onConnect(req: IncomingMessage, socket: Duplex): void {
  socket.on('error', destroyOnError);
  refuseUpgrade(socket, 405, 'method_not_allowed', 'CONNECT is not allowed');
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error (JSON body) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorJson(code, message);
  // Read and drop whatever else the client sends (frames sent before the answer), so its close is
  // seen and the socket freed; cut a client that keeps sending.
  socket.resume();
  const cut = setTimeout(() => socket.destroy(), 5_000).unref();
  socket.once('close', () => clearTimeout(cut));
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
