/**
 * What a door that answers HTTP requests (the HTTP streams, the webhooks' operator routes) gets
 * from the server: the request, its parsed query, and who sent it. The server owns the port,
 * CORS preflights and error bodies; the door owns its routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credential } from './access/access';
import type { HttpError } from './errors';

/** One request for a door. */
export interface DoorRequest {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  /**
   * The sender: the access token or a device key, from `Authorization: Bearer` or, for browsers'
   * EventSource (which cannot set headers), `?token=`; or the 401 to answer.
   */
  credential: Credential | HttpError;
  /** Answers an error with its JSON body and CORS headers (counted by code). */
  fail: (error: HttpError) => void;
  /** Answers JSON with CORS headers. */
  json: (status: number, body: unknown) => void;
}

/** A door with HTTP routes. */
export interface HttpDoor {
  /** The methods `path` accepts on this door, or null when it is not one of its routes. */
  methods(path: string): readonly string[] | null;
  /** Handles a request for one of its routes, with an allowed method. */
  handle(request: DoorRequest): void;
  /** Starts background work (timers) when the relay starts listening. */
  start(): void;
  /** Ends its clients and background work when the relay stops. */
  stop(): void | Promise<void>;
}
