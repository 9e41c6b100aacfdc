/**
 * The HTTP streams door: `GET /sse` (Server-Sent Events, for EventSource) and `GET /stream`
 * (NDJSON, for `curl -N`). Each stream is a subscriber of the core; it resumes without loss from
 * the position id of its last event (`Last-Event-ID`, or `since=`) through the engine's history.
 */
import { randomBytes } from 'node:crypto';
import { parseStreamQuery } from '../../../../shared/stream-query';
import { maySubscribe, type Credential } from '../../core/access/access';
import { catchUp } from '../../core/clients/catch-up';
import type { DoorRequest, HttpDoor } from '../../core/door';
import { HttpError } from '../../core/errors';
import { FlushScheduler } from '../../core/clients/fanout';
import type { Hub } from '../../core/hub';
import { topicAllowed } from '../../core/access/keys';
import { decodePositions } from './position';
import { HttpStream } from './stream';

const routes: Record<string, 'sse' | 'ndjson'> = { '/sse': 'sse', '/stream': 'ndjson' };

const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  'access-control-allow-origin': '*',
};
const ndjsonHeaders = { ...sseHeaders, 'content-type': 'application/x-ndjson; charset=utf-8' };

/** Creates the door of the HTTP streams. */
export function createStreamDoor(hub: Hub): HttpDoor {
  const streams = new Set<HttpStream>();
  const scheduler = new FlushScheduler();
  let timer: NodeJS.Timeout | null = null;

  const tick = (): void => {
    for (const stream of streams) {
      // A revoked or expired key ends its streams at the next beat.
      if (stream.keyId !== null && !hub.keys.valid(stream.keyId)) stream.close('revoked');
      else stream.heartbeat();
    }
  };

  const open = (request: DoorRequest, protocol: 'sse' | 'ndjson'): void => {
    const { req, res, credential, fail } = request;
    if (credential instanceof HttpError) return fail(credential);
    const parsed = parseStreamQuery(request.query, hub.options);
    if (!parsed.ok) return fail(new HttpError(400, parsed.code, parsed.message));
    const { topics, filters, userId, retained, presence } = parsed.value;
    const refused = accessProblem(credential, topics, userId);
    if (refused !== null) return fail(new HttpError(403, 'forbidden', refused));
    const lastEventId = req.headers['last-event-id'];
    const sinceId = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : parsed.value.since;
    const since = sinceId === null ? null : decodePositions(sinceId);
    if (sinceId !== null && since === null) {
      return fail(new HttpError(400, 'invalid_query', 'since (or Last-Event-ID) is not a position id of a stream'));
    }
    const { maxConnections } = hub.options;
    if (maxConnections > 0 && hub.connections().size + hub.doors.size >= maxConnections) {
      return fail(new HttpError(503, 'too_many_connections', `the hub holds its maximum of ${maxConnections}`));
    }
    const key = credential.kind === 'key' ? credential.key : null;
    const stream = new HttpStream(hub, scheduler, res, {
      id: `${protocol}-${randomBytes(6).toString('base64url')}`,
      protocol,
      userId,
      keyId: key?.id ?? null,
      remoteAddress: req.socket.remoteAddress ?? null,
      allowed: key === null ? () => true : (topic) => topicAllowed(key.subscribe, topic),
      presence,
    });
    if (!hub.doorClients.attach(stream)) return fail(new HttpError(500, 'internal_error', 'stream id taken'));
    streams.add(stream);
    res.on('close', () => {
      streams.delete(stream);
      const reason = stream.endReason ?? 'client_closed';
      hub.doorClients.detach(stream, reason, reason === 'slow_consumer' ? 4002 : 1000);
    });
    res.writeHead(200, protocol === 'sse' ? sseHeaders : ndjsonHeaders);
    // EventSource reconnects after this many ms (its default is seconds).
    if (protocol === 'sse') res.write('retry: 1000\n\n');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    for (const topic of topics) stream.positions.set(topic, since?.get(topic) ?? null);
    if (since !== null) for (const [topic, position] of since) stream.positions.set(topic, position);
    catchUp(
      hub.engine,
      hub.doors,
      stream,
      { topics, filters, since, retained, allowed: (topic) => allowedFor(key, topic) },
      ({ positions, recovery }) => {
        for (const [topic, position] of positions) stream.positions.set(topic, position);
        stream.ready(recovery);
        hub.doorClients.changed(stream);
      },
    );
  };

  return {
    methods: (path) => (path in routes ? ['GET'] : null),
    handle(request) {
      const protocol = routes[request.path];
      if (protocol !== undefined) open(request, protocol);
    },
    start() {
      const every = hub.options.streamHeartbeatMs;
      if (every > 0 && timer === null) timer = setInterval(tick, every).unref();
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const stream of streams) stream.close('shutdown');
      scheduler.flushNow();
    },
  };
}

const allowedFor = (key: { subscribe: string[] } | null, topic: string): boolean =>
  key === null || topicAllowed(key.subscribe, topic);

/** Why `credential` may not open this stream, or null. */
function accessProblem(credential: Credential, topics: readonly string[], userId: number | null): string | null {
  if (credential.kind === 'operator') return null;
  const { key } = credential;
  if (userId !== null && !key.users.includes(userId)) {
    return `the device key "${key.name}" (${key.id}) may listen as user ${key.users.join(', ')} only, not ${userId}`;
  }
  return maySubscribe(key, topics);
}
