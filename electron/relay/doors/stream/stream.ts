/**
 * One HTTP stream (`/sse` or `/stream`) as a subscriber of the core: each delivery becomes an SSE
 * event (`id:` = the stream's position in every topic, `data:` = the envelope) or an NDJSON line
 * (the envelope plus `"id"`). Writes of a turn leave together; a backlog past `maxBufferedBytes`
 * meets the slow-consumer policy, as a socket's does.
 */
import type { ServerResponse } from 'node:http';
import type { DisconnectReason, StreamPosition } from '../../../../shared/api';
import type { ClientInfo, ClientProtocol } from '../../../../shared/hub';
import type { PresenceEvent } from '../../../../shared/presence';
import type { RecoveryResult } from '../../../../shared/protocol';
import type { Delivery, Flushable, FlushScheduler } from '../../core/clients/fanout';
import type { Hub } from '../../core/hub';
import type { Subscriber } from '../../core/clients/subscribers';
import { encodePositions } from './position';

/** How a stream was asked for. */
export interface StreamSettings {
  id: string;
  protocol: Extract<ClientProtocol, 'sse' | 'ndjson'>;
  userId: number | null;
  keyId: string | null;
  remoteAddress: string | null;
  /** Topics it may receive (a device key's scope). */
  allowed: (topic: string) => boolean;
  presence: boolean;
}

// The envelope of the delivery being fanned out, built once for all the streams that get it.
let lastDelivery: Delivery | null = null;
let lastEnvelope = '';
let lastSingleId = '';
// The whole event of that delivery for a stream of one topic, per protocol (the same for all of them).
let lastSingleSse = '';
let lastSingleNdjson = '';

function envelopeOf(delivery: Delivery): string {
  if (lastDelivery === delivery) return lastEnvelope;
  const { topic, message, userId, ts, offset, epoch, retained } = delivery;
  const envelope: Record<string, unknown> = { topic };
  if (typeof message === 'string') envelope.message = message;
  else {
    envelope.message = message.toString('base64');
    envelope.encoding = 'base64';
  }
  if (userId !== undefined) envelope.user_id = userId;
  Object.assign(envelope, { ts, offset, epoch });
  if (retained) envelope.retained = true;
  lastDelivery = delivery;
  lastEnvelope = JSON.stringify(envelope);
  lastSingleId = '';
  lastSingleSse = '';
  lastSingleNdjson = '';
  return lastEnvelope;
}

// The last chunk framed for the wire (chunked encoding), with the text it frames.
let lastChunkText = '';
let lastChunk: Buffer = Buffer.alloc(0);

/** `text` as one HTTP/1.1 chunk; the same text (one event fanned out to many streams) is framed once. */
function chunkOf(text: string): Buffer {
  if (text !== lastChunkText) {
    const body = Buffer.from(text);
    lastChunk = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
    lastChunkText = text;
  }
  return lastChunk;
}

const eventText = (protocol: 'sse' | 'ndjson', envelope: string, id: string): string =>
  protocol === 'sse' ? `id: ${id}\ndata: ${envelope}\n\n` : `${envelope.slice(0, -1)},"id":"${id}"}\n`;

/** A live HTTP stream. */
export class HttpStream implements Subscriber, Flushable {
  readonly id: string;
  readonly protocol: Extract<ClientProtocol, 'sse' | 'ndjson'>;
  readonly userId: number | null;
  readonly connectedAt = Date.now();
  /** Where it is in each topic: what its last event's id says. */
  readonly positions = new Map<string, StreamPosition | null>();
  onPresence?: (event: PresenceEvent) => void;
  #pending: string[] = [];
  #pendingBytes = 0;
  #enlisted = false;
  #closed = false;
  #messagesSent = 0;
  #bytesSent = 0;
  #dropped = 0;

  constructor(
    private readonly hub: Hub,
    private readonly scheduler: FlushScheduler,
    readonly res: ServerResponse,
    private readonly settings: StreamSettings,
  ) {
    this.id = settings.id;
    this.protocol = settings.protocol;
    this.userId = settings.userId;
    if (settings.presence) this.onPresence = (event) => this.#event('presence', JSON.stringify(event), false);
  }

  /** The key it was opened with, or null. */
  get keyId(): string | null {
    return this.settings.keyId;
  }

  deliver(delivery: Delivery): boolean {
    if (this.#closed || this.res.destroyed || !this.settings.allowed(delivery.topic)) return false;
    const backlog = this.res.writableLength + this.#pendingBytes;
    if (backlog > this.hub.options.maxBufferedBytes) {
      const policy = this.hub.doorClients.slowConsumer(this, backlog, this.#dropped === 0);
      if (policy === 'drop') this.#dropped++;
      else this.close('slow_consumer');
      return false;
    }
    const envelope = envelopeOf(delivery);
    if (!delivery.retained) this.positions.set(delivery.topic, { epoch: delivery.epoch, offset: delivery.offset });
    let text: string;
    if (this.positions.size === 1 && !delivery.retained) {
      // Streams of one topic share the whole event of a delivery: built once.
      lastSingleId ||= encodePositions(this.positions);
      text =
        this.protocol === 'sse'
          ? (lastSingleSse ||= eventText('sse', envelope, lastSingleId))
          : (lastSingleNdjson ||= eventText('ndjson', envelope, lastSingleId));
    } else text = eventText(this.protocol, envelope, encodePositions(this.positions));
    this.#queue(text);
    this.#messagesSent++;
    this.#bytesSent += text.length;
    return true;
  }

  /** After the catch-up: the recovery (when it resumed) and the `subscribed` event, each with the id. */
  ready(recovery: Record<string, RecoveryResult> | null): void {
    if (recovery !== null) {
      const recovered = Object.values(recovery).every((result) => result.recovered);
      const body = JSON.stringify({ recovered, topics: recovery });
      this.#event('recovery', this.protocol === 'sse' ? body : `{"recovery":${body}`, true);
    }
    const { topics, filters } = this.hub.doors.subscriptions(this);
    const body = JSON.stringify({ id: this.id, topics, filters });
    this.#event('subscribed', this.protocol === 'sse' ? body : `{"subscribed":${body}`, true);
  }

  /** A named event (SSE) or a line `{"<name>": …}` (NDJSON: `data` is the line without its closing brace). */
  #event(name: string, data: string, withId: boolean): void {
    if (this.#closed) return;
    const id = withId ? encodePositions(this.positions) : null;
    if (this.protocol === 'sse') this.#queue(`event: ${name}\n${id === null ? '' : `id: ${id}\n`}data: ${data}\n\n`);
    else if (name === 'presence') this.#queue(`{"presence":${data}}\n`);
    else this.#queue(`${data}${id === null ? '' : `,"id":"${id}"`}}\n`);
  }

  /** Keeps proxies and phones from closing an idle stream: an SSE comment, or an empty NDJSON line. */
  heartbeat(): void {
    if (this.#closed) return;
    this.#queue(this.protocol === 'sse' ? ':\n\n' : '\n');
  }

  flush(): void {
    this.#enlisted = false;
    if (this.#pending.length === 0 || this.#closed || this.res.destroyed) return;
    const text = this.#pending.length === 1 ? (this.#pending[0] as string) : this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    const { res } = this;
    const socket = res.socket;
    // Once the head is out and nothing waits inside the response, a chunk goes straight to the
    // socket, framed here: one write instead of the four `res.write()` makes for chunked encoding,
    // and the bytes of an event shared by many streams are encoded once.
    if (res.chunkedEncoding && res.headersSent && socket !== null && res.writableLength === socket.writableLength) {
      socket.write(chunkOf(text));
    } else res.write(text);
  }

  #queue(text: string): void {
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    if (!this.#enlisted) {
      this.#enlisted = true;
      this.scheduler.enlist(this);
    }
  }

  info(): ClientInfo {
    const { topics, filters } = this.hub.doors.subscriptions(this);
    const info: ClientInfo = {
      id: this.id,
      userId: this.userId,
      topics,
      connected: true,
      remoteAddress: this.settings.remoteAddress,
      connectedSince: this.connectedAt,
      registeredAt: this.connectedAt,
      messagesSent: this.#messagesSent,
      bytesSent: this.#bytesSent,
      bufferedBytes: this.res.writableLength + this.#pendingBytes,
      dropped: this.#dropped,
      published: 0,
      name: null,
      keyId: this.settings.keyId,
      lastSeen: this.connectedAt,
      everConnected: true,
      protocol: this.protocol,
    };
    if (filters.length > 0) info.filters = filters;
    return info;
  }

  /** Ends the stream from the hub's side (what is queued leaves first). */
  close(reason: DisconnectReason): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#reason = reason;
    this.res.end();
  }

  #reason: DisconnectReason | null = null;

  /** Why it ended (null: the client went away). */
  get endReason(): DisconnectReason | null {
    return this.#reason;
  }
}
