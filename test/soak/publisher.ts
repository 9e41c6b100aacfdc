/**
 * A device that publishes over its own socket for the soak (test support, not shipped): text
 * publish frames or binary ones, each with an id, resolved by the hub's ack (its `delivered` is the
 * receipt, as `POST /publish` answers it).
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { encodeBinaryFrame } from '../../shared/protocol';
import { within } from './socket';

export class SocketPublisher {
  readonly #acks = new Map<number, { resolve: (delivered: number) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as { ack?: number; delivered?: number; id?: number; error?: unknown };
      const id = frame.ack ?? frame.id;
      const waiting = id === undefined ? undefined : this.#acks.get(id);
      if (waiting === undefined) return;
      this.#acks.delete(id as number);
      if (frame.ack !== undefined) waiting.resolve(frame.delivered ?? -1);
      else waiting.reject(new Error(`publish refused: ${JSON.stringify(frame.error)}`));
    });
    ws.on('close', () => {
      for (const waiting of this.#acks.values()) waiting.reject(new Error('the publisher socket closed'));
      this.#acks.clear();
    });
  }

  /** Connects to a registration's socket URL and subscribes it to nothing (it only publishes). */
  static async open(url: string, timeoutMs: number): Promise<SocketPublisher> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await within(once(ws, 'open'), timeoutMs, `open publisher ${url}`);
    ws.send(JSON.stringify({ topics: [] }));
    return new SocketPublisher(ws);
  }

  /** Publishes `message` (as a binary message when `binary`), resolving with the ack's `delivered`. */
  publish(topic: string, message: string, userId: number | null, binary: boolean, timeoutMs: number): Promise<number> {
    const id = this.#nextId++;
    const target = userId === null ? { topic } : { topic, user_id: userId };
    const acked = new Promise<number>((resolve, reject) => this.#acks.set(id, { resolve, reject }));
    if (binary) this.ws.send(encodeBinaryFrame({ publish: target, id }, Buffer.from(message)));
    else this.ws.send(JSON.stringify({ publish: { ...target, message }, id }));
    return within(acked, timeoutMs, `socket publish ${topic}`);
  }

  /** Resolves once the hub has closed the socket (after the publisher's DELETE: 4000). */
  async closedByHub(timeoutMs: number): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await within(once(this.ws, 'close'), timeoutMs, 'publisher socket close');
  }

  /** Cuts the socket if it is still open (a soak that failed midway). */
  close(): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }
}
