/**
 * Fuzz of the dashboard's admin socket (`/admin?token=…`, protocol in shared/admin.ts): junk
 * frames and commands with junk arguments. Commands that would change who may use the hub
 * (tokens, settings, restart, removing a user) get only arguments of the wrong type, so the
 * rest of the fuzz keeps a hub it can talk to. Used only by tests.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { jsonValue, stringLiteral, type Rng } from './gen';
import type { Outcome } from './run';

/** One admin frame: its text, and the command id the hub must answer (null: the socket must close with 1007). */
export interface AdminCase {
  family: string;
  text: string;
  answerId: number | null;
}

/** Arguments no parser can take for an object argument. */
const notObjects = ['1', '"x"', 'true', '[]', '[{}]', '-0', '1e400', '""'];

/** One generated admin frame; `id` makes the command id unique. */
export function adminCase(rng: Rng, id: number): AdminCase {
  const command = (name: string, arg: string): string => `{"type":"command","id":${id},"name":${name},"arg":${arg}}`;
  switch (rng.int(8)) {
    case 0:
      return {
        family: 'admin-malformed',
        text: rng.pick(['', 'x', '[]', 'null', '{"type":"command"}', `{"type":"command","id":"1","name":"getInit"}`]),
        answerId: null,
      };
    case 1:
      return {
        family: 'admin-bad-id',
        text: `{"type":"command","id":${rng.pick(['1.5', '1e400', '9007199254740993', 'null', '"7"'])},"name":"getInit"}`,
        answerId: null,
      };
    case 2:
      return {
        family: 'admin-unknown',
        text: command(rng.pick([stringLiteral(rng), '"__proto__"', '"toString"', '"constructor"']), jsonValue(rng)),
        answerId: id,
      };
    case 3:
      return {
        family: 'admin-guarded',
        text: command(
          rng.pick(['"restart"', '"setSettings"', '"setAccessToken"', '"unregisterUser"']),
          rng.pick(notObjects),
        ),
        answerId: id,
      };
    case 4:
      return {
        family: 'admin-read',
        text: command(rng.pick(['"getInit"', '"getAccessToken"']), rng.chance(0.5) ? 'null' : jsonValue(rng)),
        answerId: id,
      };
    case 5:
      return {
        family: 'admin-register',
        text: command('"register"', rng.chance(0.3) ? `{"user_id":${9_000 + rng.int(100)}}` : jsonValue(rng)),
        answerId: id,
      };
    case 6:
      return {
        family: 'admin-unregister',
        text: command('"unregister"', rng.chance(0.3) ? `{"id":${stringLiteral(rng, 40)}}` : jsonValue(rng)),
        answerId: id,
      };
    default:
      return {
        family: 'admin-publish',
        text: command(
          '"publish"',
          rng.chance(0.3) ? `{"topic":"fuzz-topic","message":${stringLiteral(rng, 30)}}` : jsonValue(rng),
        ),
        answerId: id,
      };
  }
}

/** A result frame for `id` with `{ok: true, value}` or `{ok: false, error: {code, message}}`. */
function isResultFor(text: string, id: number): boolean {
  try {
    const frame = JSON.parse(text) as {
      type?: unknown;
      id?: unknown;
      result?: { ok?: unknown; error?: { code?: unknown } };
    };
    if (frame.type !== 'result' || frame.id !== id || typeof frame.result?.ok !== 'boolean') return false;
    return frame.result.ok || typeof frame.result.error?.code === 'string';
  } catch {
    return false;
  }
}

/** Opens an admin socket, sends one case, and checks the answer (a result, or close 1007). */
export async function runAdminCase(port: number, token: string, item: AdminCase): Promise<Outcome> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/admin?token=${encodeURIComponent(token)}`);
  const texts: string[] = [];
  ws.on('message', (data: Buffer) => texts.push(data.toString('utf8')));
  ws.on('error', () => {
    // reported through 'close'
  });
  await once(ws, 'open');
  const closed = once(ws, 'close') as Promise<[number]>;
  ws.send(item.text);
  const answered = new Promise<'answered'>((resolve) => {
    ws.on('message', () => {
      if (item.answerId !== null && texts.some((t) => isResultFor(t, item.answerId as number))) resolve('answered');
    });
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  const first = await Promise.race([answered, closed.then(([code]) => code), timeout]);
  if (first === 'answered') {
    ws.close();
    await closed;
    return { label: 'result', problem: null };
  }
  if (first === 'timeout') {
    ws.terminate();
    return { label: 'hang', problem: 'no result and no close in time' };
  }
  if (item.answerId === null && first === 1007) return { label: 'close 1007', problem: null };
  return { label: `close ${first}`, problem: `unexpected close ${first}` };
}
