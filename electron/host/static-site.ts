/**
 * A folder of built files served under a path on the hub's port (the dashboard at `/dashboard/`,
 * the phone page at `/device/`): GET and HEAD only, no way out of the folder, HTML pages with their
 * Content-Security-Policy and no framing, JSON errors like every other route. Every file has an
 * ETag (304 when the browser has it); a file whose name carries its content hash (`assets/x-3fA9c1_b.js`,
 * as Vite names them) is `immutable` for a year, the rest is revalidated at each load.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

/** Vite's output names: `<name>-<8+ character content hash>.<ext>` under `assets/`. */
const hashedName = /(^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Cache-Control for a file: a hashed one never changes under its name. */
export function cacheControlOf(relative: string): string {
  return hashedName.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A strong-enough validator from size and modification time (the files are build outputs). */
function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** True when the request's If-None-Match names `etag` (or `*`). */
function fresh(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

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

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8' }, body);
}

/**
 * A request handler for the files of `dir` under `prefix` (ending with `/`); returns false for other
 * paths. The bare path (no slash) redirects to `prefix`, or with `bareIsIndex` serves the index page
 * itself (whose assets must then use absolute paths). `csp` goes on every HTML page.
 */
export function createStaticSite(
  dir: string,
  prefix: string,
  csp: string,
  { bareIsIndex = false }: { bareIsIndex?: boolean } = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = resolve(dir);
  const bare = prefix.slice(0, -1);

  const serveFile = async (req: IncomingMessage, res: ServerResponse, relative: string): Promise<void> => {
    const head = req.method === 'HEAD';
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
    const etag = etagOf(info.size, info.mtimeMs);
    const cacheControl = cacheControlOf(decoded);
    if (fresh(req, etag)) {
      send(res, 304, { ETag: etag, 'Cache-Control': cacheControl });
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
      ETag: etag,
      'Cache-Control': cacheControl,
    };
    if (file.endsWith('.html')) {
      headers['Content-Security-Policy'] = csp;
      headers['X-Frame-Options'] = 'DENY';
    }
    if (head) {
      send(res, 200, headers);
      return;
    }
    res.writeHead(200, { 'X-Content-Type-Options': 'nosniff', ...headers });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path !== bare && !path.startsWith(prefix)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, 405, 'method_not_allowed', `${req.method ?? '?'} is not allowed on ${path}`);
      return true;
    }
    if (path === bare && !bareIsIndex) {
      send(res, 301, { Location: prefix });
      return true;
    }
    serveFile(req, res, path === bare ? '' : path.slice(prefix.length)).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'not_found', 'cannot read the file');
      else res.destroy();
    });
    return true;
  };
}
