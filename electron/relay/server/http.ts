/**
 * The REST routes (`/health`, `/register`, `/publish`), with CORS, body limits and JSON errors.
 * Every failure is a 4xx with `{"error": {"code", "message"}}`; nothing a request holds can
 * throw out of here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, RegisterResponse, UnregisterResponse } from '../../../shared/api';
import { parseJson, parsePublishRequest, parseRegisterRequest } from '../../../shared/parse';
import { bearerToken, tokensMatch } from '../core/secrets';
import { HttpError, errorJson } from '../core/errors';
import type { Hub } from '../core/hub';
import type { RateLimiter } from './ratelimit';

// Flat [name, value, ...] arrays: Node writes them without re-validating an object per response.
const corsHeaders = [
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

/** The methods a device route accepts, or null when the path is no route. */
function methodsFor(path: string): readonly string[] | null {
  switch (path) {
    case '/publish':
    case '/register':
      return ['POST'];
    case '/health':
    case '/metrics':
      return ['GET', 'HEAD'];
    default:
      if (path.startsWith('/register/')) return ['DELETE'];
      if (path.startsWith('/ws/')) return ['GET'];
      return null;
  }
}

/** Options the REST layer needs. */
export interface HttpContext {
  hub: Hub;
  maxBodyBytes: number;
  /** Base WebSocket URL for a request (`ws://host:port`), from the public URL or the Host header. */
  wsBase(req: IncomingMessage): string;
  /** Prometheus metrics for `GET /metrics` (404 without). */
  metrics?: { contentType: string; text(): Promise<string> } | null;
  /** Per-IP limits on `POST /register` and `POST /publish`. */
  rates: { register: RateLimiter; publish: RateLimiter };
}

let requestSeq = 0;

/** The request id for log lines: a sane `x-request-id` header, or a new `r<n>`. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given)) return given;
  return `r${++requestSeq}`;
}

/** Sends a JSON answer with CORS headers. */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, jsonHeaders);
  res.end(body);
}

/** Handles one REST request; answers every path, known or not. */
export function handleRequest(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req.url);
  const method = req.method ?? 'GET';
  // The hot path first: a publish.
  if (path === '/publish' && method === 'POST') {
    if (limited(ctx, ctx.rates.publish, req, res)) return;
    if (!authorized(ctx, req)) {
      refuse(ctx, res);
      return;
    }
    readJsonBody(req, ctx.maxBodyBytes, (error, body) =>
      guard(ctx, res, () => (error ? fail(ctx, res, error) : publish(ctx, res, body))),
    );
    return;
  }
  const methods = methodsFor(path);
  if (methods === null) {
    fail(ctx, res, new HttpError(404, 'not_found', `no route for ${path}`));
    return;
  }
  if (method === 'OPTIONS') {
    res.writeHead(204, corsHeaders);
    res.end();
    return;
  }
  if (!methods.includes(method)) {
    res.setHeader('allow', [...methods, 'OPTIONS'].join(', '));
    fail(ctx, res, new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`));
    return;
  }
  if (path === '/health') {
    const stats = ctx.hub.stats();
    const body: HealthResponse = {
      status: 'ok',
      uptime_s: Math.round((Date.now() - ctx.hub.startedAt) / 1000),
      registered: stats.registered,
      connected: stats.connected,
    };
    sendJson(res, 200, JSON.stringify(body));
    return;
  }
  if (path === '/metrics') {
    const metrics = ctx.metrics;
    if (!metrics) {
      fail(ctx, res, new HttpError(404, 'not_found', 'metrics are not enabled'));
      return;
    }
    // Counts say how busy the hub is: with an access token, they are for its holders only.
    if (!authorized(ctx, req)) {
      refuse(ctx, res);
      return;
    }
    metrics.text().then(
      (text) => {
        res.writeHead(200, ['content-type', metrics.contentType, 'cache-control', 'no-store']);
        res.end(method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        ctx.hub.log.error({ err: error }, 'metrics failed');
        if (!res.headersSent) sendJson(res, 500, errorJson('internal_error', 'internal error'));
      },
    );
    return;
  }
  if (method === 'POST' && limited(ctx, ctx.rates.register, req, res)) return;
  if ((method === 'DELETE' || method === 'POST') && !authorized(ctx, req)) {
    refuse(ctx, res);
    return;
  }
  if (method === 'DELETE') {
    const id = decodeSegment(path.slice('/register/'.length));
    const body: UnregisterResponse = { removed: ctx.hub.unregister(id, requestId(req)), id };
    sendJson(res, 200, JSON.stringify(body));
    return;
  }
  if (path.startsWith('/ws/')) {
    // A plain GET (no Upgrade header) on a socket URL.
    const known = ctx.hub.has(decodeSegment(path.slice('/ws/'.length)));
    if (known) fail(ctx, res, new HttpError(426, 'upgrade_required', 'connect with a WebSocket client'));
    else fail(ctx, res, new HttpError(404, 'unknown_client', 'no registration with this id'));
    return;
  }
  readJsonBody(req, ctx.maxBodyBytes, (error, body) =>
    guard(ctx, res, () => (error ? fail(ctx, res, error) : register(ctx, req, res, body))),
  );
}

/** True when no access token is set, or the request carries it as a Bearer token. */
function authorized(ctx: HttpContext, req: IncomingMessage): boolean {
  const expected = ctx.hub.options.accessToken;
  if (expected === null) return true;
  const given = bearerToken(req.headers.authorization);
  return given !== null && tokensMatch(given, expected);
}

/** Answers 429 with Retry-After when `req`'s address has used its rate; the body is not read. */
function limited(ctx: HttpContext, limiter: RateLimiter, req: IncomingMessage, res: ServerResponse): boolean {
  const wait = limiter.take(req.socket.remoteAddress ?? '');
  if (wait === 0) return false;
  res.setHeader('retry-after', String(wait));
  fail(ctx, res, new HttpError(429, 'rate_limited', `too many requests from this address; retry in ${wait} s`));
  return true;
}

/** 401 with the Bearer challenge; the body (if any) is not read. */
function refuse(ctx: HttpContext, res: ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer realm="relay-hub"');
  fail(ctx, res, new HttpError(401, 'unauthorized', 'send Authorization: Bearer <access token>'));
}

/** Runs a handler that answers asynchronously; a bug in it becomes a logged 500, never a crash. */
function guard(ctx: HttpContext, res: ServerResponse, handler: () => void): void {
  try {
    handler();
  } catch (thrown) {
    ctx.hub.log.error({ err: thrown }, 'request failed');
    if (!res.headersSent) sendJson(res, 500, errorJson('internal_error', 'internal error'));
  }
}

function register(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const parsed = parseRegisterRequest(body);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  if (ctx.hub.full) {
    const max = ctx.hub.options.maxRegistrations;
    fail(ctx, res, new HttpError(503, 'too_many_registrations', `the hub holds its maximum of ${max} registrations`));
    return;
  }
  const client = ctx.hub.register(parsed.value.user_id, requestId(req));
  const answer: RegisterResponse = { url: `${ctx.wsBase(req)}/ws/${client.id}`, id: client.id };
  sendJson(res, 200, JSON.stringify(answer));
}

function publish(ctx: HttpContext, res: ServerResponse, body: unknown): void {
  const parsed = parsePublishRequest(body, ctx.hub.options);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  const { topic, message, user_id: userId } = parsed.value;
  if (ctx.hub.messageTooLarge(message)) {
    const max = ctx.hub.options.maxMessageBytes;
    fail(ctx, res, new HttpError(413, 'message_too_large', `message is larger than ${max} bytes (UTF-8)`));
    return;
  }
  const receipt = ctx.hub.publish(topic, message, userId, 'http');
  sendJson(res, 200, `{"delivered":${receipt.delivered}}`);
}

function fail(ctx: HttpContext, res: ServerResponse, error: HttpError): void {
  ctx.hub.noteRejected(error.code);
  // A refused upload is not read to its end: answer, then close the connection.
  if (error.status === 413) res.setHeader('connection', 'close');
  sendJson(res, error.status, errorJson(error.code, error.message));
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** True for `application/json`, `application/*+json` (any parameters), or no content type. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined || header === 'application/json') return true;
  const type = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads and parses a JSON body up to `limit` bytes. Over the limit the request gets 413 and
 * its connection is closed once the answer is sent, so a huge upload is not read to the end.
 */
function readJsonBody(
  req: IncomingMessage,
  limit: number,
  done: (error: HttpError | null, body: unknown) => void,
): void {
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    done(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'), undefined);
    return;
  }
  const tooLarge = (): HttpError => new HttpError(413, 'body_too_large', `body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    discard(req);
    done(tooLarge(), undefined);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: HttpError | null, body: unknown): void => {
    if (finished) return;
    finished = true;
    done(error, body);
  };
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      chunks.length = 0;
      discard(req);
      finish(tooLarge(), undefined);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => finish(new HttpError(400, 'invalid_body', 'request body was cut off'), undefined));
  req.on('end', () => {
    const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
    if (text.length === 0) {
      finish(new HttpError(400, 'invalid_body', 'body is empty; send a JSON object'), undefined);
      return;
    }
    const json = parseJson(text);
    if (json.ok) finish(null, json.value);
    else finish(new HttpError(400, json.code, json.message), undefined);
  });
}

/** Throws away the rest of a refused body; cuts the socket if the sender does not stop soon. */
function discard(req: IncomingMessage): void {
  req.resume();
  setTimeout(() => req.socket.destroy(), 5_000).unref();
}
