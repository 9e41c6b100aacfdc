/**
 * Who sent a request: the operator (the access token; anyone while the hub has none) or a device
 * key (`Authorization: Bearer rhk_…`, checked on every hub, open or not). Anything else is a 401.
 */
import type { IncomingMessage } from 'node:http';
import { operator, type Credential } from '../core/access/access';
import { HttpError } from '../core/errors';
import type { Hub } from '../core/hub';
import { keyIdOf } from '../core/access/keys';
import { bearerToken, tokensMatch } from '../core/access/secrets';

/** The request's credential, or the 401 to answer. */
export function credentialOf(hub: Hub, req: IncomingMessage): Credential | HttpError {
  const header = req.headers.authorization;
  const expected = hub.options.accessToken;
  // The tutorial's way, on an open hub: no header at all.
  if (header === undefined && expected === null) return operator;
  const given = bearerToken(header);
  if (given !== null && keyIdOf(given) !== null) {
    const key = hub.keys.verify(given);
    if (key !== null) return { kind: 'key', key };
    return new HttpError(401, 'unauthorized', 'this device key was revoked, has expired, or is unknown');
  }
  if (expected === null || (given !== null && tokensMatch(given, expected))) return operator;
  return new HttpError(401, 'unauthorized', 'send Authorization: Bearer <access token or device key>');
}

/** A 403 `forbidden` with the reason. */
export const forbidden = (reason: string): HttpError => new HttpError(403, 'forbidden', reason);
