/**
 * Request bodies: read up to a limit (over it: 413, and the rest is not read), as JSON or as
 * bytes, by content type.
 */
import type { IncomingMessage } from 'node:http';
import { parseJson } from '../../../shared/parse';
import { HttpError } from '../core/errors';

/** What a request's content type says its body is: JSON (also when absent), bytes, or neither. */
export function bodyKindOf(header: string | undefined): 'json' | 'bytes' | null {
  if (header === undefined || header === 'application/json') return 'json';
  const type = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  return type === 'application/octet-stream' ? 'bytes' : null;
}

/**
 * Reads a body up to `limit` bytes. Over the limit the request gets 413 and its connection is
 * closed once the answer is sent, so a huge upload is not read to the end.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (error: HttpError | null, body: Buffer) => void,
): void {
  const empty = Buffer.alloc(0);
  const tooLarge = (): HttpError => new HttpError(413, 'body_too_large', `body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    discard(req);
    done(tooLarge(), empty);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: HttpError | null, body: Buffer): void => {
    if (finished) return;
    finished = true;
    done(error, body);
  };
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      chunks.length = 0;
      discard(req);
      finish(tooLarge(), empty);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => finish(new HttpError(400, 'invalid_body', 'request body was cut off'), empty));
  req.on('end', () => finish(null, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
}

/** Reads and parses a JSON body up to `limit` bytes (415 for another content type, 400 when empty or not JSON). */
export function readJsonBody(
  req: IncomingMessage,
  limit: number,
  done: (error: HttpError | null, body: unknown) => void,
): void {
  if (bodyKindOf(req.headers['content-type']) !== 'json') {
    req.resume();
    done(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'), undefined);
    return;
  }
  readBody(req, limit, (error, bytes) => {
    if (error !== null) {
      done(error, undefined);
      return;
    }
    if (bytes.length === 0) {
      done(new HttpError(400, 'invalid_body', 'body is empty; send a JSON object'), undefined);
      return;
    }
    const json = parseJson(bytes.toString('utf8'));
    if (json.ok) done(null, json.value);
    else done(new HttpError(400, json.code, json.message), undefined);
  });
}

/** Throws away the rest of a refused body; cuts the socket if the sender does not stop soon. */
function discard(req: IncomingMessage): void {
  req.resume();
  setTimeout(() => req.socket.destroy(), 5_000).unref();
}
