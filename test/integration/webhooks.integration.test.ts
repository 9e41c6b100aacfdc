/**
 * Webhooks against a real HTTP receiver started here, with failures injected (500s, an answer that
 * hangs past the timeout, the receiver down then up, the hub restarted midway, a 400): every
 * message arrives at least once, in order per topic, every signature verifies, a 4xx is not
 * retried, a hook that fell behind the history is told, and a hook publishing back cannot loop.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookInfo, WebhookList } from '../../shared/webhooks';
import { postJson, rawRequest, startHub, type TestHub } from '../support/relay';
import { waitFor } from '../support/sdk';

const secret = 'receiver-shared-secret';

/** What the receiver does with the next requests (then `ok`). */
type Mode = 'ok' | '500' | 'hang' | '400';

/** A webhook receiver: records every request, verifies its signature, answers as told. */
class Receiver {
  readonly got: { body: Record<string, unknown>; headers: IncomingMessage['headers']; signed: boolean }[] = [];
  readonly plan: Mode[] = [];
  /** Answers 400 to a message with this text. */
  refuse: string | null = null;
  /** Called with each message body (after answering). */
  onMessage: ((body: Record<string, unknown>, headers: IncomingMessage['headers']) => void) | null = null;
  server: Server;
  port = 0;

  constructor() {
    this.server = this.#create();
  }

  #create(): Server {
    return createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
        const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        this.got.push({ body, headers: req.headers, signed: req.headers['x-relay-hub-signature'] === expected });
        const mode = this.plan.shift() ?? 'ok';
        if (mode === 'hang') return; // never answers: the hub's timeout must cut it
        const status = mode === '500' ? 500 : mode === '400' || body.message === this.refuse ? 400 : 204;
        res.writeHead(status).end();
        if (status === 204) this.onMessage?.(body, req.headers);
      });
    });
  }

  async listen(port = 0): Promise<void> {
    this.server = this.#create();
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  /** Per topic, the offsets of the messages received (retries included). */
  offsets(): Map<string, number[]> {
    const map = new Map<string, number[]>();
    for (const { body } of this.got) {
      if (typeof body.offset !== 'number' || typeof body.topic !== 'string') continue;
      map.set(body.topic, [...(map.get(body.topic) ?? []), body.offset]);
    }
    return map;
  }
}

let hub: TestHub | null = null;
let receiver: Receiver | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  await receiver?.down().catch(() => undefined);
  hub = null;
  receiver = null;
});

const quick = { webhookTimeoutMs: 300, webhookMaxBackoffMs: 50 };

async function addHook(h: TestHub, url: string, filters: string[], withSecret = true): Promise<WebhookInfo> {
  const res = await postJson(h.port, '/webhooks', withSecret ? { url, filters, secret } : { url, filters });
  expect(res.status).toBe(201);
  return res.json as WebhookInfo;
}

const publish = async (topic: string, message: string): Promise<void> => {
  expect((await postJson((hub as TestHub).port, '/publish', { topic, message })).status).toBe(200);
};

describe('webhooks', () => {
  it('deliver every message at least once, in order per topic, through 500s, a hang, an outage and a hub restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-webhooks-'));
    receiver = new Receiver();
    await receiver.listen();
    hub = await startHub({ dataDir, ...quick });
    await addHook(hub, `http://127.0.0.1:${receiver.port}/hook`, ['t/#']);
    const sent = new Map<string, number>();
    let n = 0;
    const burst = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const topic = ++n % 2 === 0 ? 't/a' : 't/b';
        await publish(topic, `m${n}`);
        sent.set(topic, (sent.get(topic) ?? 0) + 1);
      }
    };
    const allArrived = (): boolean =>
      [...sent].every(([topic, count]) => new Set(receiver?.offsets().get(topic)).size === count);
    await burst(4);
    receiver.plan.push('500', '500', '500');
    await burst(4);
    receiver.plan.push('hang');
    await burst(4);
    await waitFor(allArrived, 'the first 12 messages');
    await receiver.down();
    await burst(4);
    // The hub goes down with messages still owed, and comes back on its data dir.
    await hub.relay.stop();
    hub = await startHub({ dataDir, ...quick });
    await burst(2);
    await receiver.listen(receiver.port);
    await burst(2);
    await waitFor(allArrived, 'every message after the outage and the restart');
    for (const [topic, offsets] of receiver.offsets()) {
      expect(
        offsets.every((offset, i) => i === 0 || offset >= (offsets[i - 1] as number)),
        topic,
      ).toBe(true);
    }
    expect(receiver.got.every((request) => request.signed)).toBe(true);
    expect(receiver.got.every((request) => request.headers['x-relay-hub-delivery'] !== undefined)).toBe(true);
    const [state] = ((await rawRequest(hub.port, 'GET', '/webhooks')).json as WebhookList).webhooks;
    expect(state).toMatchObject({ backlog: 0, lastStatus: 204, rejected: 0, signed: true });
  });

  it('do not retry a 4xx other than 408/429, and count it', async () => {
    receiver = new Receiver();
    await receiver.listen();
    receiver.refuse = 'bad';
    hub = await startHub(quick);
    await addHook(hub, `http://127.0.0.1:${receiver.port}/`, ['x']);
    for (const message of ['x1', 'bad', 'x2']) await publish('x', message);
    await waitFor(() => receiver?.got.some((r) => r.body.message === 'x2') === true, 'x2');
    expect(receiver.got.map((r) => r.body.message)).toEqual(['x1', 'bad', 'x2']);
    const [state] = hub.relay.webhooks();
    expect(state).toMatchObject({ delivered: 2, rejected: 1, failures: 1, lastStatus: 204 });
  });

  it('say recovered: false when they fell further behind than the history keeps', async () => {
    receiver = new Receiver();
    await receiver.listen();
    hub = await startHub({ ...quick, historySize: 3 });
    await addHook(hub, `http://127.0.0.1:${receiver.port}/`, ['h']);
    await receiver.down();
    for (let i = 1; i <= 6; i++) await publish('h', `h${i}`);
    await receiver.listen(receiver.port);
    await waitFor(() => receiver?.got.some((r) => r.body.message === 'h6') === true, 'h6');
    const bodies = receiver.got.map((r) => r.body);
    expect(bodies[0]).toMatchObject({ topic: 'h', recovered: false, missed_from: 1, missed_to: 3 });
    expect(bodies.slice(1).map((b) => b.message)).toEqual(['h4', 'h5', 'h6']);
    expect(hub.relay.webhooks()[0]?.fellBehind).toBe(1);
  });

  it('stop a hook that publishes back on a matching topic after a few hops', async () => {
    receiver = new Receiver();
    await receiver.listen();
    hub = await startHub(quick);
    const h = hub;
    receiver.onMessage = (body, headers) => {
      void rawRequest(
        h.port,
        'POST',
        '/publish',
        JSON.stringify({ topic: 'echo', message: `again ${String(body.message)}` }),
        {
          'content-type': 'application/json',
          'x-relay-hub-hop': String(headers['x-relay-hub-hop']),
        },
      ).catch(() => undefined); // the hub may stop first
    };
    await addHook(hub, `http://127.0.0.1:${receiver.port}/`, ['echo']);
    await publish('echo', 'start');
    await waitFor(() => hub?.relay.webhooks()[0]?.loopsStopped === 1, 'the loop stopped');
    expect(receiver.got.map((r) => r.headers['x-relay-hub-hop'])).toEqual(['1', '2', '3']);
  });

  it('are read from a hand-written webhooks.json in the data dir at start', async () => {
    receiver = new Receiver();
    await receiver.listen();
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-webhooks-file-'));
    const url = `http://127.0.0.1:${receiver.port}/`;
    writeFileSync(
      join(dataDir, 'webhooks.json'),
      JSON.stringify({ version: 1, webhooks: [{ url, filters: ['f'], secret }] }),
    );
    hub = await startHub({ dataDir, ...quick });
    await publish('f', 'from the file');
    await waitFor(() => receiver?.got.length === 1, 'a delivery');
    expect(receiver.got[0]).toMatchObject({ body: { topic: 'f', message: 'from the file' }, signed: true });
    expect(hub.relay.webhooks()).toMatchObject([{ url, filters: ['f'], signed: true }]);
  });

  it('are for the operator only, and refuse a URL that is not http(s)', async () => {
    const token = 'webhook-access-token-012345';
    hub = await startHub({ accessToken: token });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await rawRequest(
      hub.port,
      'POST',
      '/keys',
      JSON.stringify({ name: 'k', users: [1], subscribe: ['*'], publish: ['*'] }),
      auth,
    );
    const key = { authorization: `Bearer ${(created.json as { secret: string }).secret}` };
    const body = JSON.stringify({ url: 'http://127.0.0.1:9/', filters: ['#'] });
    expect((await rawRequest(hub.port, 'POST', '/webhooks', body, key)).status).toBe(403);
    expect((await rawRequest(hub.port, 'GET', '/webhooks', undefined, key)).status).toBe(403);
    expect((await rawRequest(hub.port, 'POST', '/webhooks', body)).status).toBe(401);
    const ftp = await rawRequest(
      hub.port,
      'POST',
      '/webhooks',
      JSON.stringify({ url: 'ftp://x/', filters: ['#'] }),
      auth,
    );
    expect([ftp.status, (ftp.json as { error: { code: string } }).error.code]).toEqual([400, 'invalid_body']);
    const made = await rawRequest(hub.port, 'POST', '/webhooks', body, auth);
    const { id } = made.json as WebhookInfo;
    const test = await rawRequest(hub.port, 'POST', `/webhooks/${id}/test`, undefined, auth);
    expect((test.json as { status: number }).status).toBe(0);
    expect((await rawRequest(hub.port, 'DELETE', `/webhooks/${id}`, undefined, auth)).status).toBe(200);
    expect((await rawRequest(hub.port, 'DELETE', `/webhooks/${id}`, undefined, auth)).status).toBe(404);
  });
});
