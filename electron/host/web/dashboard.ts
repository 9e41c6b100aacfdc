/**
 * The browser dashboard on the hub's own port (protocol in `shared/admin.ts`): the built
 * renderer as static files under `/dashboard/`, and the token-protected admin WebSocket.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { adminSocketPath, dashboardPath, parseAdminCommandFrame, type AdminServerFrame } from '../../../shared/admin';
import type { HubUpdate } from '../../../shared/ipc';
import type { CommandHandler } from '../commands/commands';
import type { HubFeed } from '../feed/feed';
import { createStaticSite } from './static-site';
import { refuseUpgrade, tokensMatch, type Relay } from '../../relay/index';

/** The dashboard page's Content-Security-Policy (the renderer's index.html carries the same as a meta tag). */
export const dashboardCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** An admin socket whose unsent backlog passes this is closed; the page reconnects and re-reads `getInit`. */
const maxAdminBufferedBytes = 8 * 1024 * 1024;
/** The pages of a client snapshot wait while the socket's unsent backlog passes this (the page reads slowly). */
const pagingBufferedBytes = 1024 * 1024;

/** Options of `createDashboard`. */
export interface DashboardOptions {
  relay: Relay;
  feed: HubFeed;
  handler: CommandHandler;
  /** Folder of the built renderer (`dist/renderer`). */
  staticDir: string;
  /** The admin token (required; see `generateToken`). */
  token: string;
}

/** Server hooks for the dashboard plus shutdown of its admin sockets. */
export interface Dashboard {
  request(req: IncomingMessage, res: ServerResponse): boolean;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every admin socket (before the relay stops: upgraded sockets keep a server open). */
  closeAll(): void;
  /** Number of open admin sockets. */
  readonly sockets: number;
}

/** A fresh admin token: 24 random bytes, base64url. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Creates the dashboard. Throws a TypeError when the token is empty. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { feed, handler, token } = options;
  if (token.length === 0) throw new TypeError('the dashboard needs a non-empty admin token');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * options.relay.options.maxBodyBytes });
  const sockets = new Set<WebSocket>();

  const site = createStaticSite(options.staticDir, dashboardPath, dashboardCsp);

  const onAdmin = (ws: WebSocket): void => {
    sockets.add(ws);
    const push = (frame: AdminServerFrame): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > maxAdminBufferedBytes) {
        ws.close(1013, 'too slow; reconnect');
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    // One feed subscription per page: its commands name it, so `watchMessages` opens this page's inspector.
    const listener = (update: HubUpdate): void => push({ type: 'update', update });
    const unsubscribe = feed.subscribe(listener);
    const busy = (): boolean => ws.bufferedAmount > pagingBufferedBytes;
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? null : parseAdminCommandFrame(Buffer.from(data as Buffer).toString('utf8'));
      if (frame === null) {
        ws.close(1007, 'expected {"type":"command","id":n,"name":…,"arg":…}');
        return;
      }
      void handler(frame.name, frame.arg, { listener, busy }).then((result) =>
        push({ type: 'result', id: frame.id, result }),
      );
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
  };

  return {
    request: site,
    upgrade(req, socket, head) {
      // Split by hand: `new URL()` throws on request targets like `//` or `/\\`.
      const raw = req.url ?? '/';
      const query = raw.indexOf('?');
      if ((query === -1 ? raw : raw.slice(0, query)) !== adminSocketPath) return false;
      const given = new URLSearchParams(query === -1 ? '' : raw.slice(query + 1)).get('token');
      if (given === null || !tokensMatch(given, token)) {
        refuseUpgrade(socket, 401, 'unauthorized', 'a valid admin token is required (?token=…)');
        return true;
      }
      wss.handleUpgrade(req, socket, head, onAdmin);
      return true;
    },
    closeAll() {
      for (const ws of sockets) {
        ws.close(1001, 'hub stopping');
        // A page that does not answer the close must not hold the server open.
        setTimeout(() => ws.terminate(), 500).unref();
      }
    },
    get sockets() {
      return sockets.size;
    },
  };
}
