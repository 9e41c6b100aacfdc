/**
 * One webhook request, made safely: http or https only, no redirect followed (a 3xx is an answer
 * like any other), a connect timeout and a total timeout, and at most a few KiB of the answer read.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How one attempt ended: the status (0: no answer) and how long it took. */
export interface Attempt {
  status: number;
  latencyMs: number;
  error: string | null;
}

/** Bytes of an answer read at most (the rest is dropped with the connection). */
const maxAnswerBytes = 4096;

/** POSTs `body` to `url` with `headers`; resolves (never rejects) with the attempt. */
export function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Attempt> {
  const started = performance.now();
  const done = (status: number, error: string | null): Attempt => ({
    status,
    latencyMs: Math.round(performance.now() - started),
    error,
  });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(done(0, 'not a URL'));
      return;
    }
    const request = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
    if (request === null) {
      resolve(done(0, 'only http and https'));
      return;
    }
    let settled = false;
    const finish = (attempt: Attempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      req.destroy();
      resolve(attempt);
    };
    const req = request(target, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const total = setTimeout(() => finish(done(0, `no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('socket', (socket) => {
      // A host that never accepts the connection fails sooner than one that is slow to answer.
      socket.setTimeout(Math.min(timeoutMs, 5_000), () => {
        if (socket.connecting) finish(done(0, 'could not connect in time'));
      });
    });
    req.on('error', (error) => finish(done(0, error.message)));
    req.on('response', (res: IncomingMessage) => {
      let read = 0;
      const status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > maxAnswerBytes) finish(done(status, null));
      });
      res.on('end', () => finish(done(status, null)));
      res.on('error', () => finish(done(status, null)));
    });
    req.end(body);
  });
}
