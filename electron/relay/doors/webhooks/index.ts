/**
 * The webhooks door: the operator's hooks (`POST /webhooks`, `GET /webhooks`,
 * `DELETE /webhooks/<id>`, `POST /webhooks/<id>/test`, the GUI through the relay, and
 * `<data dir>/webhooks.json`), each sent by its own runner from the history. Device keys get 403.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  parseWebhookRequest,
  type WebhookInfo,
  type WebhookList,
  type WebhookRequest,
} from '../../../../shared/webhooks';
import { mayOperate } from '../../core/access/access';
import type { DoorRequest, HttpDoor } from '../../core/door';
import { HttpError } from '../../core/errors';
import type { Hub } from '../../core/hub';
import { HookRunner } from './runner';
import type { Attempt } from './sender';
import { HookStore } from './store';

export { maxHops } from './runner';

/** The webhooks door, with the operator's commands beside its routes. */
export interface WebhooksDoor extends HttpDoor {
  list(): WebhookInfo[];
  /** Adds a hook (sending what is published from now on); the request is parsed already. */
  create(request: WebhookRequest): WebhookInfo;
  /** Removes a hook; false when unknown. */
  remove(id: string): boolean;
  /** Sends a test delivery; null for an unknown hook. */
  test(id: string): Promise<Attempt> | null;
}

const maxBodyBytes = 64 * 1024;

/** Creates the webhooks door of `hub` (its hooks are loaded from the data dir). */
export function createWebhooksDoor(hub: Hub): WebhooksDoor {
  const runners = new Map<string, HookRunner>();
  const store = new HookStore(
    hub.options.dataDir,
    () => [...runners.values()].map((runner) => runner.hook),
    (message) => hub.log.warn(message),
  );
  const context = { hub, changed: () => store.saveSoon() };
  for (const hook of store.load()) runners.set(hook.id, new HookRunner(context, hook));
  let started = false;

  const door: WebhooksDoor = {
    list: () => [...runners.values()].map((runner) => runner.info()),
    create(request) {
      const id = randomBytes(6).toString('hex');
      const runner = new HookRunner(context, { ...request, id, createdAt: Date.now(), cursors: {} });
      runner.startFromNow();
      runners.set(id, runner);
      if (started) runner.start();
      store.save();
      hub.log.info({ webhook: id, url: request.url, filters: request.filters }, 'webhook added');
      return runner.info();
    },
    remove(id) {
      const runner = runners.get(id);
      if (runner === undefined) return false;
      runner.stop();
      runners.delete(id);
      store.save();
      hub.log.info({ webhook: id }, 'webhook removed');
      return true;
    },
    test: (id) => runners.get(id)?.test() ?? null,
    methods(path) {
      if (path === '/webhooks') return ['GET', 'POST'];
      if (/^\/webhooks\/[\w-]+\/test$/.test(path)) return ['POST'];
      if (/^\/webhooks\/[\w-]+$/.test(path)) return ['DELETE'];
      return null;
    },
    handle(request) {
      const { credential } = request;
      if (credential instanceof HttpError) return request.fail(credential);
      const refused = mayOperate(credential, 'manage webhooks');
      if (refused !== null) return request.fail(new HttpError(403, 'forbidden', refused));
      route(door, request);
    },
    start() {
      if (started) return;
      started = true;
      for (const runner of runners.values()) runner.start();
    },
    stop() {
      started = false;
      for (const runner of runners.values()) runner.stop();
      store.save();
      // Stopped runners start afresh on the next start, from the cursors just written.
      for (const [id, runner] of runners) runners.set(id, new HookRunner(context, runner.hook));
    },
  };
  return door;
}

function route(door: WebhooksDoor, request: DoorRequest): void {
  const { path, req } = request;
  const method = req.method ?? 'GET';
  if (path === '/webhooks' && method === 'GET') {
    const body: WebhookList = { webhooks: door.list() };
    return request.json(200, body);
  }
  const id = path.split('/')[2] ?? '';
  if (method === 'DELETE') {
    const removed = door.remove(id);
    return removed ? request.json(200, { removed, id }) : request.fail(unknown(id));
  }
  if (path.endsWith('/test')) {
    const sent = door.test(id);
    if (sent === null) return request.fail(unknown(id));
    void sent.then((attempt) => request.json(200, attempt));
    return;
  }
  readJson(req, (body) => {
    if (body instanceof HttpError) return request.fail(body);
    const parsed = parseWebhookRequest(body);
    if (!parsed.ok) return request.fail(new HttpError(400, parsed.code, parsed.message));
    request.json(201, door.create(parsed.value));
  });
}

const unknown = (id: string): HttpError => new HttpError(404, 'not_found', `no webhook ${id}`);

function readJson(req: IncomingMessage, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) over = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return then(new HttpError(413, 'body_too_large', `body is larger than ${maxBodyBytes} bytes`));
    try {
      then(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
    } catch {
      then(new HttpError(400, 'bad_json', 'body is not valid JSON'));
    }
  });
}
