/**
 * Webhooks: the operator registers `{url, filters, secret?}` and the hub POSTs every publish on a
 * matching topic to the URL, driven from the history (at-least-once, in order per topic). The
 * request and state types and a pure parser, shared by the hub, the GUI and the tests.
 */
import type { Parsed } from './parse';
import { filterProblem } from './topic-filter';

/** `POST /webhooks` body. */
export interface WebhookRequest {
  url: string;
  /** MQTT filters (wildcards allowed) of the topics to send. */
  filters: string[];
  /** Signs each body: `X-Relay-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret?: string;
}

/** A hook as the operator sees it (the secret never leaves the hub). */
export interface WebhookInfo {
  id: string;
  url: string;
  filters: string[];
  signed: boolean;
  createdAt: number;
  /** HTTP status of the last attempt (0: no answer: refused, timed out), or null before any. */
  lastStatus: number | null;
  /** Latency of the last attempt, ms. */
  lastLatencyMs: number | null;
  /** Why the last attempt failed, or null. */
  lastError: string | null;
  /** Messages in the history not yet delivered. */
  backlog: number;
  delivered: number;
  /** Failed attempts (each retried later, unless a 4xx said not to). */
  failures: number;
  /** Messages given up after a 4xx other than 408/429 (not retried). */
  rejected: number;
  /** Times it fell further behind than the history keeps (a `recovered: false` delivery each). */
  fellBehind: number;
  /** Publishes not sent because they came back from a hook too many hops deep. */
  loopsStopped: number;
  /** When the next retry is due (ms since the epoch), or null. */
  retryAt: number | null;
}

/** `GET /webhooks` answer. */
export interface WebhookList {
  webhooks: WebhookInfo[];
}

const maxUrlLength = 2048;
const maxFilters = 64;
const maxSecretLength = 256;

const bad = <T>(message: string): Parsed<T> => ({ ok: false, code: 'invalid_body', message });

/** Parses `POST /webhooks`: an http(s) URL, 1–64 valid filters, an optional secret. */
export function parseWebhookRequest(body: unknown): Parsed<WebhookRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('body must be {"url": "https://…", "filters": ["sensors/#"], "secret"?: "…"}');
  }
  const { url, filters, secret } = body as Record<string, unknown>;
  if (typeof url !== 'string' || url.length > maxUrlLength || !/^https?:\/\/[^\s/?#]+/i.test(url)) {
    return bad(`url must be an http:// or https:// URL of at most ${maxUrlLength} characters`);
  }
  if (!Array.isArray(filters) || filters.length === 0 || filters.length > maxFilters) {
    return bad(`filters must list 1 to ${maxFilters} topic filters`);
  }
  for (const filter of filters) {
    if (typeof filter !== 'string') return bad('each filter must be a string');
    const problem = filterProblem(filter);
    if (problem !== null) return bad(problem);
  }
  const value: WebhookRequest = { url, filters: [...new Set(filters as string[])] };
  if (secret !== undefined && secret !== null) {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > maxSecretLength) {
      return bad(`secret must be a text of 1 to ${maxSecretLength} characters`);
    }
    value.secret = secret;
  }
  return { ok: true, value };
}

/** How a test delivery went: the receiver's status (0: no answer) and the latency. */
export interface WebhookTest {
  status: number;
  latencyMs: number;
  error: string | null;
}

/** `{id}` of the webhook commands. */
export function parseWebhookIdArg(value: unknown): Parsed<{ id: string }> {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !/^[\w-]{1,64}$/.test(id)) return bad('expected {"id": "<webhook id>"}');
  return { ok: true, value: { id } };
}
