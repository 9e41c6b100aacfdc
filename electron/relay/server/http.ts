/**
 * The REST routes (`/health`, `/register`, `/publish`), with CORS, body limits and JSON errors.
 * Every failure is a 4xx with `{"error": {"code", "message"}}`; nothing a request holds can
 * throw out of here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, RegisterResponse, RetainedClearResponse, UnregisterResponse } from '../../../shared/api';
import { historyOf } from '../core/history/views';
import { parsePublishQuery, parsePublishRequest, parseRegisterRequest } from '../../../shared/parse';
import { mayOperate, mayPublish, mayReadHistory, mayRegister, type Credential } from '../core/access/access';
import { bodyKindOf, readBody, readJsonBody } from './body';
import { HttpError, errorJson } from '../core/errors';
import type { Hub } from '../core/hub';
import { credentialOf, forbidden } from './auth';
import { hopHeader, hopOf } from '../core/clients/hops';
import { handleOnboarding, isOnboardingPath, onboardingMethods } from './onboarding-routes';
import type { RateLimiter } from './ratelimit';
import { corsHeaders, decodeSegment, fail as failHub, guard as guardHub, requestId, sendJson } from './respond';

export { sendJson } from './respond';

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
      if (isOnboardingPath(path)) return onboardingMethods(path);
      return null;
  }
}

/** Options the REST layer needs. */
export interface HttpContext {
  hub: Hub;
  maxBodyBytes: number;
  /** Base WebSocket URL for a request (`ws://host:port`), from the public URL or the Host header. */
  wsBase(req: IncomingMessage): string;
  /** The same, for pages and REST: `http(s)://host:port`. */
  httpBase(req: IncomingMessage): string;
  /** Prometheus metrics for `GET /metrics` (404 without). */
  metrics?: { contentType: string; text(): Promise<string> } | null;
  /** Per-IP limits on `POST /register` and `POST /publish`. */
  rates: { register: RateLimiter; publish: RateLimiter };
}

/** Handles one REST request; answers every path, known or not. */
export function handleRequest(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req.url);
  const method = req.method ?? 'GET';
  // The hot path first: a publish.
  if (path === '/publish' && method === 'POST') {
    if (limited(ctx, ctx.rates.publish, req, res)) return;
    const credential = credentialOf(ctx.hub, req);
    if (credential instanceof HttpError) {
      fail(ctx, res, credential);
      return;
    }
    if (bodyKindOf(req.headers['content-type']) === 'bytes') {
      // A binary message: the body is the bytes, the rest is in the query.
      readBody(req, ctx.maxBodyBytes, (error, bytes) =>
        guard(ctx, res, () => (error ? fail(ctx, res, error) : publishBytes(ctx, req, res, bytes, credential))),
      );
      return;
    }
    readJsonBody(req, ctx.maxBodyBytes, (error, body) =>
      guard(ctx, res, () => (error ? fail(ctx, res, error) : publish(ctx, res, body, credential))),
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
    const credential = operatorOnly(ctx, req, res, 'read the metrics');
    if (credential === null) return;
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
  if (path.startsWith('/retained/')) {
    if (operatorOnly(ctx, req, res, 'clear retained messages') === null) return;
    clearRetained(ctx, res, decodeSegment(path.slice('/retained/'.length)));
    return;
  }
  if (path.startsWith('/history/')) {
    // A topic's messages are for those who may subscribe to it.
    const credential = credentialOf(ctx.hub, req);
    const topic = decodeSegment(path.slice('/history/'.length));
    const refused = credential instanceof HttpError ? credential : denied(mayReadHistory(credential, topic));
    if (refused) fail(ctx, res, refused);
    else history(ctx, req, res, topic);
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
  const claiming = path === '/pair/claim';
  if (method === 'POST' && (claiming || !path.startsWith('/keys')) && limited(ctx, ctx.rates.register, req, res))
    return;
  // The pairing code is the credential of a claim.
  const credential = claiming ? null : credentialOf(ctx.hub, req);
  if (credential instanceof HttpError) {
    fail(ctx, res, credential);
    return;
  }
  if (isOnboardingPath(path)) {
    handleOnboarding(ctx.hub, req, res, path, credential, {
      maxBodyBytes: ctx.maxBodyBytes,
      httpBase: ctx.httpBase(req),
    });
    return;
  }
  if (credential === null) return;
  if (method === 'DELETE') {
    unregister(ctx, req, res, decodeSegment(path.slice('/register/'.length)), credential);
    return;
  }
  readJsonBody(req, ctx.maxBodyBytes, (error, body) =>
    guard(ctx, res, () => (error ? fail(ctx, res, error) : register(ctx, req, res, body, credential))),
  );
}

/** The operator's credential, or null after answering 401 / 403 (a device key may not `what`). */
function operatorOnly(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, what: string): Credential | null {
  const credential = credentialOf(ctx.hub, req);
  const refused = credential instanceof HttpError ? credential : denied(mayOperate(credential, what));
  if (refused === null) return credential as Credential;
  fail(ctx, res, refused);
  return null;
}

/** A 403 for a refusal reason, or null when allowed. */
const denied = (reason: string | null): HttpError | null => (reason === null ? null : forbidden(reason));

/** `DELETE /register/<id>`: the operator removes any registration; a device key only its own. */
function unregister(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  credential: Credential,
): void {
  // In a cluster, an id made a moment ago on another hub is looked up first.
  whenKnown(ctx, res, id, () => {
    if (credential.kind === 'key') {
      const owner = ctx.hub.registrations.registry.get(id)?.keyId;
      if (owner !== undefined && owner !== credential.key.id) {
        fail(ctx, res, forbidden(`the device key "${credential.key.name}" may remove its own registrations only`));
        return;
      }
    }
    const body: UnregisterResponse = { removed: ctx.hub.unregister(id, requestId(req)), id };
    // In a cluster, answered once the other hubs can know (their sockets on it are closed too).
    whenSettled(ctx, res, () => sendJson(res, 200, JSON.stringify(body)));
  });
}

/** Answers 429 with Retry-After when `req`'s address has used its rate; the body is not read. */
function limited(ctx: HttpContext, limiter: RateLimiter, req: IncomingMessage, res: ServerResponse): boolean {
  const wait = limiter.take(req.socket.remoteAddress ?? '');
  if (wait === 0) return false;
  res.setHeader('retry-after', String(wait));
  fail(ctx, res, new HttpError(429, 'rate_limited', `too many requests from this address; retry in ${wait} s`));
  return true;
}

function guard(ctx: HttpContext, res: ServerResponse, handler: () => void): void {
  guardHub(ctx.hub, res, handler);
}

/**
 * `POST /register`: a device key registers only as its users; with a `name`, the registration of that
 * name (within the key) comes back — same id and URL — instead of a new one (409 for another user).
 */
function register(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  credential: Credential,
): void {
  const parsed = parseRegisterRequest(body);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  const { user_id: userId, name } = parsed.value;
  const refused = mayRegister(credential, userId);
  if (refused !== null) {
    fail(ctx, res, forbidden(refused));
    return;
  }
  const keyId = credential.kind === 'key' ? credential.key.id : null;
  const existing = name === undefined ? undefined : ctx.hub.registrations.named(keyId, name);
  if (existing !== undefined) {
    if (existing.userId !== userId) {
      const message = `the name "${name}" is registered for user ${existing.userId}; pick another name`;
      fail(ctx, res, new HttpError(409, 'name_taken', message));
      return;
    }
    ctx.hub.registrations.touch(existing.id);
    answerRegistration(ctx, req, res, existing.id);
    return;
  }
  if (ctx.hub.full) {
    const max = ctx.hub.options.maxRegistrations;
    fail(ctx, res, new HttpError(503, 'too_many_registrations', `the hub holds its maximum of ${max} registrations`));
    return;
  }
  const client = ctx.hub.register(userId, requestId(req), { name: name ?? null, keyId });
  // In a cluster, answered once every hub can take its socket.
  whenSettled(ctx, res, () => answerRegistration(ctx, req, res, client.id));
}

function answerRegistration(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, id: string): void {
  const answer: RegisterResponse = { url: `${ctx.wsBase(req)}/ws/${id}`, id };
  sendJson(res, 200, JSON.stringify(answer));
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

function publish(ctx: HttpContext, res: ServerResponse, body: unknown, credential: Credential): void {
  const parsed = parsePublishRequest(body, ctx.hub.options);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  const { topic, message, user_id: userId, retain } = parsed.value;
  if (!allowedToPublish(ctx, res, credential, topic)) return;
  deliver(ctx, res, topic, message, userId, retain);
}

/** False after answering 403 when a device key may not publish on `topic`. */
function allowedToPublish(ctx: HttpContext, res: ServerResponse, credential: Credential, topic: string): boolean {
  const refused = credential.kind === 'key' ? mayPublish(credential.key, topic) : null;
  if (refused !== null) fail(ctx, res, forbidden(refused));
  return refused === null;
}

/** `POST /publish?topic=<t>[&user_id=<n>][&retain=true]` with `application/octet-stream`: a binary message. */
function publishBytes(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Buffer,
  credential: Credential,
): void {
  const query = Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
  const parsed = parsePublishQuery(query, ctx.hub.options);
  if (!parsed.ok) {
    fail(ctx, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  if (!allowedToPublish(ctx, res, credential, parsed.value.topic)) return;
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
  const hop = hopOf(res.req.headers[hopHeader]); // from a webhook receiver: how deep (see core/hops.ts)
  const receipt = ctx.hub.publish(topic, message, userId, { origin: 'http', hop }, retain === true);
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
  failHub(ctx.hub, res, error);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}
