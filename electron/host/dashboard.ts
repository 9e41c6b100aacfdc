/**
 * The browser dashboard on the hub's own port (protocol in `shared/admin.ts`): the built
 * renderer as static files under `/dashboard/`, and the token-protected admin WebSocket.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { adminSocketPath, dashboardPath, parseAdminCommandFrame, type AdminServerFrame } from '../../shared/admin';
import type { HubUpdate } from '../../shared/ipc';
import type { CommandHandler } from './commands';
import type { HubFeed } from './feed';
import { refuseUpgrade, tokensMatch, type Relay } from '../relay/index';

/** The dashboard page's Content-Security-Policy (the renderer's index.html carries the same as a meta tag). */
export const dashboardCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** An admin socket whose unsent backlog passes this is closed; the page reconnects and re-reads `getInit`. */
const maxAdminBufferedBytes = 8 * 1024 * 1024;

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

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8' }, body);
}

/** Creates the dashboard. Throws a TypeError when the token is empty. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { feed, handler, token } = options;
  if (token.length === 0) throw new TypeError('the dashboard needs a non-empty admin token');
  const root = resolve(options.staticDir);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * options.relay.options.maxBodyBytes });
  const sockets = new Set<WebSocket>();

  const serveFile = async (res: ServerResponse, relative: string, head: boolean): Promise<void> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      sendError(res, 400, 'not_found', 'bad path');
      return;
    }
    const file = resolve(root, decoded === '' ? 'index.html' : decoded);
    if (decoded.includes('\0') || !file.startsWith(root + sep)) {
      sendError(res, 404, 'not_found', 'no such file');
      return;
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      sendError(res, 404, 'not_found', 'no such file');
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
    };
    if (file.endsWith('.html')) {
      headers['Content-Security-Policy'] = dashboardCsp;
      headers['X-Frame-Options'] = 'DENY';
    }
    if (head) {
      send(res, 200, headers);
      return;
    }
    res.writeHead(200, { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', ...headers });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

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
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? null : parseAdminCommandFrame(Buffer.from(data as Buffer).toString('utf8'));
      if (frame === null) {
        ws.close(1007, 'expected {"type":"command","id":n,"name":…,"arg":…}');
        return;
      }
      void handler(frame.name, frame.arg, { listener }).then((result) =>
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
    request(req, res) {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      if (path !== dashboardPath.slice(0, -1) && !path.startsWith(dashboardPath)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        sendError(res, 405, 'method_not_allowed', `${req.method ?? '?'} is not allowed on ${path}`);
        return true;
      }
      if (path === dashboardPath.slice(0, -1)) {
        send(res, 301, { Location: dashboardPath });
        return true;
      }
      serveFile(res, path.slice(dashboardPath.length), req.method === 'HEAD').catch(() => {
        if (!res.headersSent) sendError(res, 500, 'not_found', 'cannot read the file');
        else res.destroy();
      });
      return true;
    },
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
