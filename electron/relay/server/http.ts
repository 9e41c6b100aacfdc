/**
 * The REST routes (`/health`, `/register`, `/publish`), with CORS, body limits and JSON errors.
 * Every failure is a 4xx with `{"error": {"code", "message"}}`; nothing a request holds can
 * throw out of here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, RegisterResponse, RetainedClearResponse, UnregisterResponse } from '../../../shared/api';
import { historyOf } from '../core/engine/views';
import { parsePublishQuery, parsePublishRequest, parseRegisterRequest } from '../../../shared/parse';
import { bodyKindOf, readBody, readJsonBody } from './body';
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
      if (path.startsWith('/register/') || path.startsWith('/retained/')) return ['DELETE'];
      if (path.startsWith('/ws/')) return ['GET'];
      if (path.startsWith('/history/')) return ['GET', 'HEAD'];
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
    if (bodyKindOf(req.headers['content-type']) === 'bytes') {
      // A binary message: the body is the bytes, the rest is in the query.
      readBody(req, ctx.maxBodyBytes, (error, bytes) =>
        guard(ctx, res, () => (error ? fail(ctx, res, error) : publishBytes(ctx, req, res, bytes))),
      );
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
    const cluster = ctx.hub.clusterInfo();
    const body: HealthResponse = {
      // Degraded, still 200: the hub serves its own devices; a load balancer may keep sending them.
      status: cluster?.state === 'degraded' ? 'degraded' : 'ok',
      uptime_s: Math.round((Date.now() - ctx.hub.startedAt) / 1000),
      registered: stats.registered,
      connected: stats.connected,
    };
    if (cluster !== null) body.cluster = { state: cluster.state, hubs: cluster.members.length };
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
  if (path.startsWith('/history/') || path.startsWith('/retained/')) {
    // A topic's messages are for holders of the token, like publishing to it.
    if (!authorized(ctx, req)) refuse(ctx, res);
    else if (method === 'DELETE') clearRetained(ctx, res, decodeSegment(path.slice('/retained/'.length)));
    else history(ctx, req, res, decodeSegment(path.slice('/history/'.length)));
    return;
  }
  if (method === 'POST' && limited(ctx, ctx.rates.register, req, res)) return;
  if ((method === 'DELETE' || method === 'POST') && !authorized(ctx, req)) {
    refuse(ctx, res);
    return;
  }
  if (method === 'DELETE') {
    const id = decodeSegment(path.slice('/register/'.length));
    const unregister = (): void => {
      const body: UnregisterResponse = { removed: ctx.hub.unregister(id, requestId(req)), id };
      // In a cluster, answered once the other hubs can know (their sockets on it are closed too).
      whenSettled(ctx, res, () => sendJson(res, 200, JSON.stringify(body)));
    };
    whenKnown(ctx, res, id, unregister);
    return;
  }
  if (path.startsWith('/ws/')) {
    // A plain GET (no Upgrade header) on a socket URL.
    const id = decodeSegment(path.slice('/ws/'.length));
    whenKnown(ctx, res, id, () => {
      if (ctx.hub.has(id)) fail(ctx, res, new HttpError(426, 'upgrade_required', 'connect with a WebSocket client'));
      else fail(ctx, res, new HttpError(404, 'unknown_client', 'no registration with this id'));
    });
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
  // In a cluster, answered once every hub can take its socket.
  whenSettled(ctx, res, () => sendJson(res, 200, JSON.stringify(answer)));
}

/** Runs `answer` now on a single hub; in a cluster once what this hub changed has reached the others. */
function whenSettled(ctx: HttpContext, res: ServerResponse, answer: () => void): void {
  const settled = ctx.hub.settled();
  if (settled === null) answer();
  else
    settled.then(
      () => guard(ctx, res, answer),
      () => guard(ctx, res, answer),
    );
}

/** Runs `then` now when the hub holds `id` (or is alone); in a cluster after looking the id up first. */
function whenKnown(ctx: HttpContext, res: ServerResponse, id: string, then: () => void): void {
  const lookup = ctx.hub.has(id) ? null : ctx.hub.lookup(id);
  if (lookup === null) then();
  else
    lookup.then(
      () => guard(ctx, res, then),
      () => guard(ctx, res, then),
    );
}

function publish(ctx: HttpContext, res: ServerResponse, body: unknown): void {
  const parsed = parsePublishRequest(body, ctx.hub.options);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  deliver(ctx, res, parsed.value.topic, parsed.value.message, parsed.value.user_id, parsed.value.retain);
}

/** `POST /publish?topic=<t>[&user_id=<n>][&retain=true]` with `application/octet-stream`: a binary message. */
function publishBytes(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
  const query = Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
  const parsed = parsePublishQuery(query, ctx.hub.options);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  deliver(ctx, res, parsed.value.topic, bytes, parsed.value.user_id, parsed.value.retain);
}

/** Publishes a checked message (text or bytes) and answers the receipt; 413 over the message limit. */
function deliver(
  ctx: HttpContext,
  res: ServerResponse,
  topic: string,
  message: string | Buffer,
  userId: number | undefined,
  retain: boolean | undefined,
): void {
  if (ctx.hub.messageTooLarge(message)) {
    const max = ctx.hub.options.maxMessageBytes;
    fail(ctx, res, new HttpError(413, 'message_too_large', `message is larger than ${max} bytes (UTF-8)`));
    return;
  }
  const receipt = ctx.hub.publish(topic, message, userId, { origin: 'http' }, retain === true);
  if (receipt instanceof Promise) {
    receipt.then(
      (done) => sendJson(res, 200, JSON.stringify(done)),
      (error: unknown) =>
        guard(ctx, res, () => {
          throw error;
        }),
    );
    return;
  }
  const { delivered, offset, epoch, cluster } = receipt;
  if (cluster !== undefined) sendJson(res, 200, JSON.stringify(receipt));
  else sendJson(res, 200, `{"delivered":${delivered},"offset":${offset},"epoch":${JSON.stringify(epoch)}}`);
}

/** `GET /history/<topic>?since=<offset>&limit=<n>`: 404 for a topic never published to. */
function history(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, topic: string): void {
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  const since = wholeNumber(query.get('since'), 0);
  const limit = wholeNumber(query.get('limit'), 100);
  if (since === null || limit === null || limit < 1 || limit > maxHistoryLimit) {
    const message = `since must be an offset (a whole number) and limit from 1 to ${maxHistoryLimit}`;
    fail(ctx, res, new HttpError(400, 'invalid_query', message));
    return;
  }
  const answer = historyOf(ctx.hub.engine, topic, since, limit);
  if (answer === null) fail(ctx, res, new HttpError(404, 'not_found', 'nothing was published to this topic'));
  else sendJson(res, 200, JSON.stringify(answer));
}

/** `DELETE /retained/<topic>`. */
function clearRetained(ctx: HttpContext, res: ServerResponse, topic: string): void {
  const body: RetainedClearResponse = { topic, removed: ctx.hub.engine.clearRetained(topic) };
  sendJson(res, 200, JSON.stringify(body));
}

const maxHistoryLimit = 1_000;

/** A query value as a whole number (`fallback` when absent), or null. */
function wholeNumber(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^\d{1,15}$/.test(value) ? Number(value) : null;
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
