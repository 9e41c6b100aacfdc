/**
 * Who is online: the answers of `GET /clients` and `GET /presence/<topic>`, and the join/leave
 * events an envelope device (`"presence": true`) or an SSE stream (`presence=true`) opts in to.
 */
import type { ClientProtocol } from './hub';

/** A client as a presence event names it. */
export interface PresenceClient {
  id: string;
  user_id: number | null;
  protocol: ClientProtocol;
}

/** A client subscribed to (`join`) or left (`leave`) one of the listener's topics. */
export interface PresenceEvent {
  topic: string;
  event: 'join' | 'leave';
  client: PresenceClient;
}

/** The JSON text of a presence frame: `{"presence": {...}}`. */
export function presenceJson(event: PresenceEvent): string {
  return JSON.stringify({ presence: event });
}

/** One live connection of any door, as `GET /clients` lists it. */
export interface LiveClient extends PresenceClient {
  topics: string[];
  /** MQTT filters (wildcards), when it listens to any. */
  filters?: string[];
  /** When its connection opened (ms since the epoch). */
  connected_at: number | null;
  address: string | null;
  /** In a cluster: the other hub that holds its socket (its address and time are that hub's to tell). */
  hub?: string;
}

/** `GET /clients` answer. */
export interface ClientsResponse {
  clients: LiveClient[];
}

/** `GET /presence/<topic>` answer: live clients of the topic and their distinct users. */
export interface PresenceResponse {
  topic: string;
  clients: number;
  users: number[];
}
