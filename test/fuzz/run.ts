/**
 * Drivers for the fuzz test: send one generated case to a hub on 127.0.0.1 and check its answer
 * (HTTP through `http.request`, raw bytes and raw WebSocket frames through `net` sockets), with a
 * timeout on every wait so that a hang is reported, not waited out. Used only by tests.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { ErrorCode } from '../../shared/api';
import type { BodyCase, HttpExpect } from './gen';
import type { RawCase } from './raw';
import { closeCodeOf, encodeFrame, FrameReader, isDocumentedClose, type ServerFrame, type WsCase } from './ws';
import { rawRequest, type RawResponse } from '../support/relay';

/** Every code the hub may put in an error body or frame (kept in step with shared/api.ts by the compiler). */
const errorCodes: Record<ErrorCode, true> = {
  bad_json: true,
  invalid_body: true,
  name_taken: true,
  unknown_pairing: true,
  invalid_user_id: true,
  invalid_topic: true,
  invalid_topics: true,
  invalid_message: true,
  body_too_large: true,
  unsupported_media_type: true,
  not_found: true,
  method_not_allowed: true,
  upgrade_required: true,
  unknown_client: true,
  bad_frame: true,
  internal_error: true,
  unauthorized: true,
  forbidden: true,
  message_too_large: true,
  rate_limited: true,
  too_many_registrations: true,
  too_many_connections: true,
  invalid_query: true,
};
const isKnownCode = (code: unknown): boolean =>
  typeof code === 'string' && code !== 'internal_error' && code in errorCodes;

/** How long any single answer may take before the case counts as a hang. */
export const answerTimeoutMs = 10_000;

/** The outcome of one case: a label for the histogram, and a problem when the hub misbehaved. */
export interface Outcome {
  label: string;
  problem: string | null;
}

/** The error code of an `{"error": {"code", "message"}}` text, or null. */
function errorCodeOf(text: string): string | null {
  try {
    const value = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null;
    const error = value?.error;
    return error && typeof error.message === 'string' && typeof error.code === 'string' ? error.code : null;
  } catch {
    return null;
  }
}

/** Checks a status (and JSON error body) against what the case expects. */
export function judgeHttp(status: number, contentType: string, text: string, expect: HttpExpect): string | null {
  if (status >= 500) return `server error ${status}: ${text.slice(0, 200)}`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (status >= 400 && contentType.includes('application/json')) {
    const code = errorCodeOf(text);
    if (!isKnownCode(code)) return `4xx without a known error code: ${text.slice(0, 200)}`;
  }
  if (expect.kind === 'ok' && status !== 200) return `expected 200, got ${status} ${text.slice(0, 200)}`;
  if (expect.kind === 'reject') {
    if (status < 400) return `expected a 4xx, got ${status}`;
    if (expect.status !== undefined && status !== expect.status)
      return `expected ${expect.status}, got ${status} ${text.slice(0, 200)}`;
    if (expect.code !== undefined && errorCodeOf(text) !== expect.code)
      return `expected ${expect.code}, got ${text.slice(0, 200)}`;
  }
  return null;
}

/** Sends one body case (chunked when it has several pieces); with `rateLimited`, a proper 429 is also fine. */
export function sendBody(port: number, item: BodyCase, rateLimited = false): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const headers = { ...item.headers };
    if (item.body.length === 1) headers['content-length'] = String(item.body[0]?.length ?? 0);
    const req = request(
      { host: '127.0.0.1', port, method: item.method, path: item.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        const done = (): void => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = String(res.headers['content-type'] ?? '');
          // These requests are well-formed HTTP: every answer comes from the hub's routes, in JSON.
          const notJson = status >= 400 && !contentType.includes('application/json') ? `${status} is not JSON` : null;
          if (rateLimited && status === 429) {
            const retry = Number(res.headers['retry-after']);
            const fine = errorCodeOf(text) === 'rate_limited' && Number.isInteger(retry) && retry >= 1;
            settle({ label: '429', problem: fine ? null : `bad 429: retry-after ${String(retry)} ${text}` });
            return;
          }
          settle({ label: String(status), problem: judgeHttp(status, contentType, text, item.expect) ?? notJson });
        };
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => settle({ label: 'hang', problem: 'no answer in time' }), answerTimeoutMs);
    req.on('error', (error) => settle({ label: 'error', problem: `no answer: ${error.message}` }));
    if (item.body.length === 1) req.end(item.body[0]);
    else {
      for (const piece of item.body) req.write(piece);
      req.end();
    }
  });
}

/** What came back on one raw connection. */
interface Exchange {
  text: string;
  error: string | null;
  timedOut: boolean;
}

/**
 * Writes raw bytes on a fresh socket and collects the answer. `end`: half-close and read until
 * the hub closes; `open`: keep the socket open and stop at the first complete answer head;
 * `cut`: destroy the socket right after writing.
 */
function exchange(port: number, bytes: Buffer, mode: 'end' | 'open' | 'cut', then?: Buffer): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, answerTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (then !== undefined && chunks.length === 1) socket.end(then);
      if (
        mode === 'open' &&
        /HTTP\/1\.[01] (?!100 )\d{3} [^]*?\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))
      ) {
        socket.destroy();
      }
    });
    socket.on('error', (e) => (error ??= e.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), error, timedOut });
    });
    if (mode === 'cut') socket.write(bytes, () => socket.destroy());
    else if (then !== undefined)
      socket.write(bytes); // the rest goes once the hub has answered
    else if (mode === 'end') socket.end(bytes);
    else socket.write(bytes);
  });
}

/**
 * Sends a raw request and judges every answer: half-closed first (so a request that waits for
 * more data cannot hang); when that gets no answer at all, once more on an open socket, since
 * Node aborts a response still being prepared (an async route) when the client half-closes.
 */
export async function sendRaw(port: number, item: RawCase): Promise<Outcome> {
  if (item.cut === true) {
    await exchange(port, item.bytes, 'cut');
    return { label: 'cut', problem: null }; // the hub must simply survive it
  }
  let got = await exchange(port, item.bytes, 'end', item.then);
  let statuses = statusesOf(got.text);
  if (statuses.length === 0 && got.text === '' && !got.timedOut) {
    if (item.mayDrop) return { label: 'dropped', problem: null };
    got = await exchange(port, item.bytes, 'open');
    statuses = statusesOf(got.text);
  }
  // The final answer's status (after any `100 Continue`).
  const first = statuses.find((s) => s !== 100) ?? statuses[0];
  if (first === undefined) {
    if (got.timedOut) return { label: 'hang', problem: 'the hub neither answered nor closed in time' };
    const why = got.error === null ? '' : ` (${got.error})`;
    return { label: 'none', problem: `no HTTP answer${why}: ${JSON.stringify(got.text.slice(0, 100))}` };
  }
  const bad = statuses.find((s) => s >= 500 || s < 100 || (s === 101 && !item.mayUpgrade) || (s > 101 && s < 200));
  return { label: String(first), problem: bad === undefined ? null : `answered ${bad}: ${got.text.slice(0, 200)}` };
}

function statusesOf(text: string): number[] {
  return [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

/** A raw device socket after a handcrafted upgrade handshake; collects the hub's frames. */
class RawWs {
  readonly frames: ServerFrame[] = [];
  closedSocket = false;
  #waiters: (() => void)[] = [];
  readonly #reader = new FrameReader();

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.#reader.push(chunk));
      this.#wake();
    });
    socket.on('error', () => {
      // 'close' follows
    });
    socket.on('close', () => {
      this.closedSocket = true;
      this.#wake();
    });
  }

  /** Connects to `/ws/<id>` and reads the 101 answer; throws on anything else. */
  static async open(port: number, id: string, early: Buffer[] = []): Promise<RawWs> {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    const request =
      `GET /ws/${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    socket.write(Buffer.concat([Buffer.from(request), ...early]));
    let head = Buffer.alloc(0);
    const rest = await new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1');
        if (!status.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${status}`));
        else resolve(head.subarray(end + 4));
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed during the handshake')));
    });
    const ws = new RawWs(socket);
    if (rest.length > 0) socket.emit('data', rest);
    return ws;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Waits until `done()` holds (checked on every frame and on close); false on timeout. */
  async until(done: () => boolean, timeoutMs = answerTimeoutMs): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  closeFrame(): ServerFrame | undefined {
    return this.frames.find((f) => f.opcode === 8);
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => f.payload.toString('utf8'));
  }

  /** Answers the hub's close (or starts one), half-closes, and waits for the socket to end. */
  async finish(code = 1000): Promise<boolean> {
    if (!this.closedSocket) {
      this.socket.write(encodeFrame({ opcode: 8, payload: Buffer.from([code >> 8, code & 0xff]) }));
      this.socket.end();
    }
    return this.until(() => this.closedSocket);
  }
}

/** POSTs JSON, with the access token when there is one. */
export function post(port: number, path: string, value: unknown, token: string | null): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return rawRequest(port, 'POST', path, JSON.stringify(value), headers);
}

/** Runs one WebSocket case on a fresh registration of `userId` and judges what the hub did. */
export async function runWsCase(port: number, token: string | null, userId: number, item: WsCase): Promise<Outcome> {
  const registered = await post(port, '/register', { user_id: userId }, token);
  const id = (registered.json as { id?: string } | undefined)?.id;
  if (registered.status !== 200 || id === undefined)
    return { label: 'setup', problem: `register failed: ${registered.status}` };
  const ws = await RawWs.open(port, id, item.early === true ? item.frames : []);
  if (item.early !== true) for (const frame of item.frames) ws.socket.write(frame);
  const expect = item.expect;
  if (expect.kind === 'cut') {
    ws.socket.destroy();
    return { label: 'cut', problem: null };
  }
  if (expect.kind === 'ends') {
    ws.socket.end();
    if (!(await ws.until(() => ws.closedSocket)))
      return { label: 'hang', problem: 'the hub kept a half-closed socket open' };
    const close = ws.closeFrame();
    const code = close ? closeCodeOf(close.payload) : null;
    if (code !== null && !isDocumentedClose(code))
      return { label: `close ${code}`, problem: `undocumented close code ${code}` };
    return { label: code === null ? 'ended' : `close ${code}`, problem: badTexts(ws.texts()) };
  }
  ws.socket.write(encodeFrame({ opcode: 9, payload: 'probe' }));
  const isProbe = (f: ServerFrame): boolean => f.opcode === 10 && f.payload.toString() === 'probe';
  const answered = await ws.until(() => ws.closedSocket || ws.frames.some((f) => isProbe(f) || f.opcode === 8));
  if (!answered) {
    ws.socket.destroy();
    return { label: 'hang', problem: 'no pong and no close in time' };
  }
  const close = ws.closeFrame();
  const texts = ws.texts();
  if (close !== undefined) {
    const code = closeCodeOf(close.payload);
    const finished = await ws.finish(code === 1005 ? 1000 : code);
    let problem: string | null = finished ? badTexts(texts) : 'socket not closed after the close handshake';
    if (expect.kind === 'open') problem ??= `expected to stay open, closed ${code}`;
    if (expect.kind === 'close' && !expect.codes.includes(code))
      problem ??= `expected close ${expect.codes.join('|')}, got ${code}`;
    if (expect.kind === 'any' && !isDocumentedClose(code)) problem ??= `undocumented close code ${code}`;
    return { label: `close ${code}`, problem };
  }
  if (!ws.frames.some(isProbe)) return { label: 'dropped', problem: 'socket closed without a close frame' };
  // A socket publish's ack leaves after the turn's group commit of the history, so it may follow
  // the pong of the probe and the answers to later frames: wait for the answers expected.
  if (expect.kind === 'open') await ws.until(() => ws.texts().length >= expect.errors.length);
  const answers = ws.texts();
  let problem = badTexts(answers);
  const codes = answers.map(answerOf);
  if (expect.kind === 'close') problem ??= `expected close ${expect.codes.join('|')}, stayed open (${codes.join(',')})`;
  if (expect.kind === 'open' && !sameAnswers(codes, expect.errors)) {
    problem ??= `expected errors [${expect.errors.join(',')}], got [${codes.join(',')}]`;
  }
  if (problem === null && item.subscribes !== undefined)
    problem = await checkDelivery(port, token, ws, item.subscribes);
  await ws.finish();
  // A few answers name themselves in the histogram; a long sequence just counts them.
  const label =
    codes.length === 0 ? 'open' : codes.length <= 2 ? `open+${codes.join('+')}` : `open+${codes.length} answers`;
  return { label, problem };
}

/**
 * The answers a device got against those expected: every answer but the acks in the order of the
 * frames, and as many acks (in their own order), wherever they fall among the others.
 */
function sameAnswers(got: readonly (string | null)[], want: readonly string[]): boolean {
  const others = (codes: readonly (string | null)[]): string => codes.filter((c) => c !== 'ack').join(',');
  const acks = (codes: readonly (string | null)[]): number => codes.filter((c) => c === 'ack').length;
  return others(got) === others(want) && acks(got) === acks(want);
}

/** Publishes to `topic` and checks this socket (its only subscriber) receives it as one frame. */
async function checkDelivery(port: number, token: string | null, ws: RawWs, topic: string): Promise<string | null> {
  const message = `to ${topic}`;
  const res = await post(port, '/publish', { topic, message }, token);
  if (res.status !== 200 || (res.json as { delivered?: number }).delivered !== 1)
    return `publish to ${topic}: ${res.text}`;
  const got = await ws.until(() => ws.texts().includes(message));
  return got ? null : `the fragmented subscription to ${topic} did not receive its publish`;
}

/** What a text frame from the hub answers: `ack`, `pong`, or an error's code; null when it is none of them. */
function answerOf(text: string): string | null {
  const code = errorCodeOf(text);
  if (code !== null) return isKnownCode(code) ? code : null;
  try {
    const value = JSON.parse(text) as Record<string, unknown> | null;
    if (value !== null && typeof value === 'object') {
      if ('ack' in value && typeof value.delivered === 'number') return 'ack';
      if ('pong' in value && Object.keys(value).length === 1) return 'pong';
    }
  } catch {
    // not JSON
  }
  return null;
}

/** A problem when the hub sent a text frame that is not a known JSON error, an ack or a pong. */
function badTexts(texts: string[]): string | null {
  const bad = texts.find((t) => answerOf(t) === null);
  return bad === undefined ? null : `unexpected text frame ${bad.slice(0, 200)}`;
}
