/**
 * Seeded requests for the doors' routes (`/sse`, `/stream`, `/clients`, `/presence/<topic>`,
 * `/webhooks`): junk queries, position ids, Last-Event-ID headers, methods and bodies, each with
 * what the answer may be. A stream that opens (200) is cut at once. Used only by tests.
 */
import { request } from 'node:http';
import { jsonValue, stringLiteral, type Rng } from './gen';

/** One request for a door. */
export interface DoorCase {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses allowed (a 5xx never is). */
  allowed: number[];
}

const pieces = ['a', '%2F', '%23', '%2B', '/', '#', '+', '%00', '%zz', '%C3%A9', '&', '=', 'topic', 'filter', ''];

function junk(rng: Rng, max: number): string {
  let text = '';
  for (let i = rng.int(max + 1); i > 0; i--) text += rng.pick(pieces);
  return text;
}

function positionId(rng: Rng): string {
  const json = rng.pick<string>([
    '{}',
    '{"a":["e",1]}',
    '{"a":["",0]}',
    '{"a":[1,"e"]}',
    '{"a":["e",-1]}',
    '[]',
    jsonValue(rng, 2),
  ]);
  const roll = rng.int(10);
  if (roll < 6) return Buffer.from(json).toString('base64url');
  // Base64url of random bytes: the right alphabet, not JSON.
  if (roll < 8) return rng.bytes(1 + rng.int(40)).toString('base64url');
  return stringLiteral(rng, 30);
}

/** One generated door request. */
export function doorCase(rng: Rng): DoorCase {
  const bad = [400, 401, 403, 404, 405, 413];
  switch (rng.int(6)) {
    case 0:
    case 1: {
      const route = rng.pick(['/sse', '/stream']);
      const query = [
        rng.chance(0.6) ? `topic=${junk(rng, 4)}` : '',
        rng.chance(0.3) ? `filter=${junk(rng, 4)}` : '',
        rng.chance(0.3) ? `since=${encodeURIComponent(positionId(rng))}` : '',
        rng.chance(0.2) ? `user_id=${rng.pick(['1', '-1', 'x', '99999999999999999'])}` : '',
        rng.chance(0.2) ? `retained=${rng.pick(['false', 'no', ''])}` : '',
        rng.chance(0.2) ? `presence=${rng.pick(['true', '2'])}` : '',
      ].filter((part) => part !== '');
      const headers: Record<string, string> = rng.chance(0.3)
        ? { 'last-event-id': positionId(rng).replace(/[^\x20-\x7e]/g, '') }
        : {};
      return {
        family: `stream:${route}`,
        method: 'GET',
        path: `${route}?${query.join('&')}`,
        headers,
        allowed: [200, ...bad],
      };
    }
    case 2:
      return {
        family: 'presence',
        method: rng.pick(['GET', 'HEAD', 'POST']),
        path: rng.pick([`/clients?user_id=${junk(rng, 3)}&topic=${junk(rng, 3)}`, `/presence/${junk(rng, 5)}`]),
        headers: {},
        allowed: [200, ...bad],
      };
    case 3:
    case 4: {
      const body = rng.pick<string>([
        JSON.stringify({ url: rng.pick(['http://127.0.0.1:9/', 'ftp://x', '', 'http://']), filters: [junk(rng, 4)] }),
        JSON.stringify({ url: 'http://127.0.0.1:9/', filters: rng.pick<unknown>([[], 'a', [1], ['a/#/b']]) }),
        JSON.stringify({
          url: 'http://127.0.0.1:9/',
          filters: ['a'],
          secret: rng.pick<unknown>([1, '', 'x'.repeat(300)]),
        }),
        jsonValue(rng, 3),
        '{"url":',
      ]);
      return { family: 'webhooks:add', method: 'POST', path: '/webhooks', headers: {}, body, allowed: [201, ...bad] };
    }
    default:
      return {
        family: 'webhooks:other',
        method: rng.pick(['GET', 'DELETE', 'POST', 'PUT']),
        path: rng.pick(['/webhooks', `/webhooks/${junk(rng, 3)}`, `/webhooks/${junk(rng, 3)}/test`]),
        headers: {},
        allowed: [200, ...bad],
      };
  }
}

/** Sends a case; resolves with the status (a stream is cut once its headers came). */
export function runDoorCase(port: number, item: DoorCase, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: item.method,
        path: item.path,
        agent: false,
        headers: { authorization: `Bearer ${token}`, ...item.headers },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 200 && /event-stream|ndjson/.test(String(res.headers['content-type']))) {
          req.destroy();
          resolve(status);
          return;
        }
        res.resume();
        res.on('end', () => resolve(status));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => reject(new Error(`no answer to ${item.method} ${item.path}`)));
    req.end(item.body);
  });
}
