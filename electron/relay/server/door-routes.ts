/**
 * The doors' HTTP routes on the hub's port (the streams, the webhooks' operator routes), and the
 * presence routes every door shares: `GET /clients` (operator) and `GET /presence/<topic>`
 * (operator, or a device key allowed on that topic). The server answers preflights, wrong methods
 * and errors the same way as for its own routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientsResponse } from '../../../shared/presence';
import { mayOperate, mayReadHistory, type Credential } from '../core/access/access';
import type { DoorRequest, HttpDoor } from '../core/door';
import { HttpError } from '../core/errors';
import type { Hub } from '../core/hub';
import { bearerToken } from '../core/access/secrets';
import { credentialOf, forbidden } from './auth';
import { corsHeaders, decodeSegment, fail, guard, sendJson } from './respond';

/** Handles `req` when it is a door's or a presence route; false otherwise. */
export function handleDoorRequest(
  hub: Hub,
  doors: readonly HttpDoor[],
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const door = doors.find((d) => d.methods(path) !== null);
  const methods = door?.methods(path) ?? presenceMethods(path);
  if (methods === null) return false;
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, [...corsHeaders, 'access-control-allow-headers', 'content-type, authorization, last-event-id']);
    res.end();
    return true;
  }
  if (!methods.includes(method)) {
    res.setHeader('allow', [...methods, 'OPTIONS'].join(', '));
    fail(hub, res, new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`));
    return true;
  }
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  const request: DoorRequest = {
    req,
    res,
    path,
    query,
    credential: streamCredential(hub, req, query),
    fail: (error) => fail(hub, res, error),
    json: (status, body) => sendJson(res, status, JSON.stringify(body)),
  };
  const origin = req.headers.origin;
  const allowed = hub.options.allowedOrigins;
  if (origin !== undefined && allowed !== null && !allowed.includes(origin)) {
    request.fail(forbidden(`origin ${origin} is not allowed`));
    return true;
  }
  guard(hub, res, () => (door === undefined ? presence(hub, request) : door.handle(request)));
  return true;
}

/** The request's credential: the Authorization header, else `?token=` (EventSource sets no headers). */
function streamCredential(hub: Hub, req: IncomingMessage, query: URLSearchParams): Credential | HttpError {
  const token = query.get('token');
  if (req.headers.authorization !== undefined || token === null) return credentialOf(hub, req);
  if (bearerToken(`Bearer ${token}`) === null) return new HttpError(401, 'unauthorized', 'token is empty');
  const headers = { ...req.headers, authorization: `Bearer ${token}` };
  return credentialOf(hub, { headers } as IncomingMessage);
}

function presenceMethods(path: string): readonly string[] | null {
  return path === '/clients' || path.startsWith('/presence/') ? ['GET', 'HEAD'] : null;
}

function presence(hub: Hub, request: DoorRequest): void {
  const { credential, path, query } = request;
  if (credential instanceof HttpError) return request.fail(credential);
  if (path === '/clients') {
    const refused = mayOperate(credential, 'list the clients');
    if (refused !== null) return request.fail(forbidden(refused));
    const user = query.get('user_id');
    if (user !== null && !/^\d{1,15}$/.test(user)) {
      return request.fail(new HttpError(400, 'invalid_query', 'user_id must be a whole number'));
    }
    const body: ClientsResponse = {
      clients: hub.presence.live(query.get('topic'), user === null ? null : Number(user)),
    };
    return request.json(200, body);
  }
  const topic = decodeSegment(path.slice('/presence/'.length));
  if (topic === '') return request.fail(new HttpError(400, 'invalid_topic', 'give a topic: /presence/<topic>'));
  const refused = mayReadHistory(credential, topic);
  if (refused !== null) return request.fail(forbidden(refused));
  request.json(200, hub.presence.of(topic));
}
