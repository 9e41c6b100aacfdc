/**
 * Test support for the HTTP streams: a reader of `/sse` (events parsed as the SSE spec says) or of
 * `/stream` (NDJSON lines), over a plain `node:http` request, whose events can be awaited.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One SSE event (or one NDJSON line, as `data` with event `message` unless it names another). */
export interface StreamEvent {
  event: string;
  id: string | null;
  data: string;
}

/** A live stream request. */
export class StreamReader {
  readonly events: StreamEvent[] = [];
  /** SSE comments and empty NDJSON lines (heartbeats). */
  heartbeats = 0;
  status = 0;
  ended = false;
  #buffer = '';
  #waiters: { match: () => boolean; resolve: () => void }[] = [];
  #req: ClientRequest;
  #res: IncomingMessage | null = null;
  readonly opened: Promise<IncomingMessage>;

  constructor(port: number, path: string, headers: Record<string, string> = {}) {
    const sse = path.startsWith('/sse');
    this.#req = request({ host: '127.0.0.1', port, path, headers, agent: false });
    this.opened = new Promise((resolve, reject) => {
      this.#req.on('response', (res) => {
        this.#res = res;
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          this.#buffer += chunk;
          if (sse) this.#parseSse();
          else this.#parseNdjson();
          this.#check();
        });
        res.on('end', () => {
          this.ended = true;
          this.#check();
        });
        res.on('error', () => undefined);
        resolve(res);
      });
      this.#req.on('error', reject);
    });
    this.#req.end();
  }

  /** The `message` events' data, parsed. */
  messages(): Record<string, unknown>[] {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  /** The last id an event carried. */
  lastId(): string | null {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]?.id != null) return this.events[i]?.id ?? null;
    return null;
  }

  /** Resolves once `match` holds (checked after every chunk). */
  until(match: (reader: this) => boolean): Promise<void> {
    if (match(this)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match: () => match(this), resolve }));
  }

  /** Resolves once an event named `name` has come (`count` of them). */
  event(name: string, count = 1): Promise<void> {
    return this.until((r) => r.events.filter((e) => e.event === name).length >= count);
  }

  close(): void {
    this.#req.destroy();
    this.#res?.destroy();
  }

  #check(): void {
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  #parseSse(): void {
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      let comment = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = true;
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.events.push({ event, id, data: data.join('\n') });
      else if (comment) this.heartbeats++;
    }
  }

  #parseNdjson(): void {
    let end: number;
    while ((end = this.#buffer.indexOf('\n')) !== -1) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      if (line === '') {
        this.heartbeats++;
        continue;
      }
      const value = JSON.parse(line) as Record<string, unknown>;
      const named = ['recovery', 'subscribed', 'presence'].find((name) => name in value);
      this.events.push({ event: named ?? 'message', id: (value.id as string | undefined) ?? null, data: line });
    }
  }
}
