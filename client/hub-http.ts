/** The SDK's HTTP side: the hub's URLs, registering, and asking whether a registration still exists. */
import type { RegisterResponse } from '../shared/api';
import { defaultTimeoutMs, withTimeout } from './timeout';

/** The `fetch` the SDK uses (the global one by default; injectable for tests or old runtimes). */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** An HTTP answer the SDK could not use, with the hub's error code when it sent one. */
export class HubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the hub asked to wait (429 Retry-After). */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'HubHttpError';
  }
}

/** `http(s)://host:port` without a trailing slash. */
export function baseUrl(hub: string): string {
  return hub.replace(/\/+$/, '');
}

/** The socket URL of registration `id` on `hub` (`ws://` for `http://`, `wss://` for `https://`). */
export function socketUrl(hub: string, id: string): string {
  return `${baseUrl(hub).replace(/^http/, 'ws')}/ws/${encodeURIComponent(id)}`;
}

/** The registration id at the end of a socket URL. */
export function idOfSocketUrl(url: string): string {
  const path = url.split('?', 1)[0] ?? '';
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * `url` with `?format=envelope` (the SDK always takes envelopes: they say which topic a message is
 * on), and `wait=subscribe` when it subscribes at once: nothing arrives before its topics frame, so
 * what it missed comes first and live messages after, with no seam.
 */
export function withEnvelopes(url: string, waitForSubscribe: boolean): string {
  const query = waitForSubscribe ? 'format=envelope&wait=subscribe' : 'format=envelope';
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

async function errorOf(res: Awaited<ReturnType<FetchLike>>, what: string): Promise<HubHttpError> {
  let code = 'http_error';
  let message = `${what}: HTTP ${res.status}`;
  try {
    const body = JSON.parse(await res.text()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = `${what}: ${body.error.message}`;
  } catch {
    // not JSON: keep the status
  }
  const retry = Number(res.headers.get('retry-after'));
  return new HubHttpError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

/**
 * Registers `userId` (with the access token or device key, and the device's name, when given);
 * rejects with a HubHttpError, a network error, or a TimeoutError after `timeoutMs`.
 */
export function register(
  fetchImpl: FetchLike,
  hub: string,
  userId: number,
  token: string | undefined,
  name?: string,
  timeoutMs = defaultTimeoutMs,
): Promise<RegisterResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const body = JSON.stringify(name === undefined ? { user_id: userId } : { user_id: userId, name });
  return withTimeout(timeoutMs, 'register', async (signal) => {
    const init = { method: 'POST', headers, body };
    const res = await fetchImpl(`${baseUrl(hub)}/register`, signal === undefined ? init : { ...init, signal });
    if (res.status !== 200) throw await errorOf(res, 'register');
    const answer = JSON.parse(await res.text()) as Partial<RegisterResponse>;
    if (typeof answer.url !== 'string' || typeof answer.id !== 'string') {
      throw new HubHttpError(res.status, 'bad_answer', 'register: the hub answered without url and id');
    }
    return { url: answer.url, id: answer.id };
  });
}

/**
 * Whether registration `id` still exists: a plain GET on its socket URL answers 426 (it does:
 * connect with a WebSocket) or 404 (it is gone). Browsers cannot see why an upgrade failed, so the
 * SDK asks this after a socket that never opened. Null when the hub did not answer (in time).
 */
export async function registrationExists(
  fetchImpl: FetchLike,
  hub: string,
  id: string,
  timeoutMs = defaultTimeoutMs,
): Promise<boolean | null> {
  try {
    return await withTimeout(timeoutMs, 'registration check', async (signal) => {
      const url = `${baseUrl(hub)}/ws/${encodeURIComponent(id)}`;
      const res = await (signal === undefined ? fetchImpl(url) : fetchImpl(url, { signal }));
      await res.text().catch(() => '');
      return res.status !== 404;
    });
  } catch {
    return null;
  }
}
