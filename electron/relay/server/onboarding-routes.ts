/**
 * The operator's REST routes for bringing devices on: `GET/POST /keys`, `DELETE /keys/<id>`,
 * `POST /pair` (operator only), and `POST /pair/claim` (the phone page trades its one-time code
 * for its key: the code is the credential).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseClaim, parseCreateKey, parsePairRequest } from '../../../shared/keys';
import { mayOperate, type Credential } from '../core/access/access';
import { HttpError } from '../core/errors';
import type { Hub } from '../core/hub';
import { createKey, listKeys, pairDevice, revokeKey } from '../core/onboarding';
import { forbidden } from './auth';
import { readJsonBody } from './body';
import { decodeSegment, fail, guard, sendJson } from './respond';

/** True for the paths served here. */
export function isOnboardingPath(path: string): boolean {
  return path === '/keys' || path.startsWith('/keys/') || path === '/pair' || path === '/pair/claim';
}

/** The methods of an onboarding path. */
export function onboardingMethods(path: string): readonly string[] {
  if (path === '/keys') return ['GET', 'POST'];
  if (path.startsWith('/keys/')) return ['DELETE'];
  return ['POST'];
}

/** Handles an onboarding request whose method was checked; `credential` is null for `/pair/claim`. */
export function handleOnboarding(
  hub: Hub,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  credential: Credential | null,
  options: { maxBodyBytes: number; httpBase: string },
): void {
  if (credential !== null) {
    const refused = mayOperate(credential, 'manage device keys or pair devices');
    if (refused !== null) {
      fail(hub, res, forbidden(refused));
      return;
    }
  }
  if (path === '/keys' && req.method === 'GET') {
    sendJson(res, 200, JSON.stringify({ keys: listKeys(hub) }));
    return;
  }
  if (path.startsWith('/keys/')) {
    sendJson(res, 200, JSON.stringify(revokeKey(hub, decodeSegment(path.slice('/keys/'.length)))));
    return;
  }
  readJsonBody(req, options.maxBodyBytes, (error, body) =>
    guard(hub, res, () => {
      if (error) fail(hub, res, error);
      else if (path === '/pair/claim') claim(hub, res, body);
      else if (path === '/pair') pair(hub, res, body, options.httpBase);
      else create(hub, res, body);
    }),
  );
}

function create(hub: Hub, res: ServerResponse, body: unknown): void {
  const parsed = parseCreateKey(body, Date.now());
  if (!parsed.ok) fail(hub, res, new HttpError(400, parsed.code, parsed.message));
  else sendJson(res, 201, JSON.stringify(createKey(hub, parsed.value)));
}

function pair(hub: Hub, res: ServerResponse, body: unknown, httpBase: string): void {
  const parsed = parsePairRequest(body, Date.now());
  if (!parsed.ok) fail(hub, res, new HttpError(400, parsed.code, parsed.message));
  else sendJson(res, 201, JSON.stringify(pairDevice(hub, parsed.value, httpBase)));
}

function claim(hub: Hub, res: ServerResponse, body: unknown): void {
  const parsed = parseClaim(body);
  if (!parsed.ok) {
    fail(hub, res, new HttpError(400, parsed.code, parsed.message));
    return;
  }
  const claimed = hub.pairings.claim(parsed.value);
  if (claimed === null) {
    const message = 'no pairing with this code: it was used already, or it expired (codes work once, for 10 minutes)';
    fail(hub, res, new HttpError(404, 'unknown_pairing', message));
    return;
  }
  hub.log.info({ name: claimed.name, user: claimed.user_id }, 'device paired');
  sendJson(res, 200, JSON.stringify(claimed));
}
