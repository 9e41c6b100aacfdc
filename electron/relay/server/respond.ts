/** Answering REST requests: JSON with CORS headers, errors with stable codes, and handlers that cannot crash. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpError, errorJson } from '../core/errors';
import type { Hub } from '../core/hub';

// Flat [name, value, ...] arrays: Node writes them without re-validating an object per response.
export const corsHeaders = [
  'access-control-allow-origin',
  '*',
  'access-control-allow-methods',
  'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers',
  'content-type, authorization',
  'access-control-max-age',
  '600',
];
const jsonHeaders = [...corsHeaders, 'content-type', 'application/json; charset=utf-8'];

/**
 * Sends a JSON answer with CORS headers and its length: no chunked framing, so headers and body
 * leave in one write.
 */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  const headers = jsonHeaders.slice();
  headers.push('content-length', String(Buffer.byteLength(body)));
  res.writeHead(status, headers);
  res.end(body);
}

/** Answers an error (counted by code); a 401 carries the Bearer challenge, a 413 closes the connection. */
export function fail(hub: Hub, res: ServerResponse, error: HttpError): void {
  hub.noteRejected(error.code);
  if (error.status === 401) res.setHeader('www-authenticate', 'Bearer realm="relay-hub"');
  // A refused upload is not read to its end: answer, then close the connection.
  if (error.status === 413) res.setHeader('connection', 'close');
  sendJson(res, error.status, errorJson(error.code, error.message));
}

/** Runs a handler that answers asynchronously; a bug in it becomes a logged 500, never a crash. */
export function guard(hub: Hub, res: ServerResponse, handler: () => void): void {
  try {
    handler();
  } catch (thrown) {
    hub.log.error({ err: thrown }, 'request failed');
    if (!res.headersSent) sendJson(res, 500, errorJson('internal_error', 'internal error'));
  }
}

let requestSeq = 0;

/** The request id for log lines: a sane `x-request-id` header, or a new `r<n>`. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given)) return given;
  return `r${++requestSeq}`;
}

/** A path segment, URL-decoded when it can be. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
