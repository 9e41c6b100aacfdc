/**
 * The device SDK served by the hub itself (`GET /sdk/relay-hub-client.mjs`): one ES module with no
 * dependency, CORS open, so any page on the LAN can `import { connect } from 'http://<hub>/sdk/…'`.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sdkModulePath } from '../../../shared/api';

/** A request handler for the SDK route; returns false for any other path. */
export function createSdkRoute(file: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  let cached: Promise<Buffer> | null = null;
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== sdkModulePath) return false;
    const cors = { 'Access-Control-Allow-Origin': '*', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...cors, Allow: 'GET, HEAD', 'Content-Type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({ error: { code: 'method_not_allowed', message: `${req.method ?? '?'} is not allowed` } }),
      );
      return true;
    }
    cached ??= readFile(file);
    cached.then(
      (body) => {
        res.writeHead(200, {
          ...cors,
          'Content-Type': 'text/javascript; charset=utf-8',
          'Content-Length': String(body.length),
          'Cache-Control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        cached = null; // built later: try again next time
        res.writeHead(404, { ...cors, 'Content-Type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({ error: { code: 'not_found', message: 'the device SDK is not built (npm run build)' } }),
        );
      },
    );
    return true;
  };
}
