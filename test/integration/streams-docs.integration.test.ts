/**
 * docs/streams.md works as written: its `curl -N` line, its webhook `curl`, and its Python
 * receiver (which verifies the signature), each run as the doc shows them against a real hub
 * (only the addresses are changed to free ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { postJson, startHub, type TestHub } from '../support/relay';
import { waitFor } from '../support/sdk';

const doc = readFileSync('docs/streams.md', 'utf8');
const blocks = (lang: string): string[] =>
  [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);

let hub: TestHub | null = null;
const children: ChildProcess[] = [];
afterEach(async () => {
  // Each line runs in a process group of its own: the group goes, not only `sh` (its Python stayed).
  for (const child of children.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid);
    } catch {
      // already gone
    }
  }
  await hub?.relay.stop();
  hub = null;
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** Runs a shell line from the doc with the hub's and the receiver's addresses; collects its stdout lines. */
function run(command: string, env: Record<string, string> = {}): { lines: string[] } {
  const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, detached: true });
  children.push(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  return { lines };
}

it('the curl -N line streams what is published', async () => {
  hub = await startHub();
  const [sh] = blocks('sh');
  const line = (sh ?? '').trim().replaceAll('http://127.0.0.1:8000', hub.base);
  expect(line).toMatch(/^curl -N /);
  const curl = run(line);
  await waitFor(() => curl.lines.some((l) => l.includes('"subscribed"')), 'subscribed');
  await postJson(hub.port, '/publish', { topic: 'cats', message: 'hello' });
  await waitFor(() => curl.lines.length >= 2, 'the message');
  expect(JSON.parse(curl.lines[1] as string)).toMatchObject({ topic: 'cats', message: 'hello', offset: 1 });
});

it('the Python receiver gets a signed delivery from a hook added with the curl of the doc', async () => {
  hub = await startHub({ webhookMaxBackoffMs: 100 });
  const receiverPort = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-doc-')), 'receiver.py');
  writeFileSync(file, blocks('python')[0] ?? '');
  const receiver = run(`/usr/bin/python3 ${file}`, { PORT: String(receiverPort) });
  const add = (blocks('sh').find((b) => b.includes('/webhooks')) ?? '')
    .replaceAll('http://127.0.0.1:8000', hub.base)
    .replaceAll('127.0.0.1:9000', `127.0.0.1:${receiverPort}`);
  const added = run(add);
  await waitFor(() => added.lines.some((l) => l.includes('"id"')), 'the hook added');
  // The receiver listens once Python started: publish until it has the first message.
  await waitFor(() => {
    if (receiver.lines.length === 0) void postJson(hub?.port ?? 0, '/publish', { topic: 'sensors/t', message: '21' });
    return receiver.lines.length > 0;
  }, 'a delivery');
  expect(receiver.lines[0]).toContain("'topic': 'sensors/t'");
  // The receiver prints before its 204 reaches the hub: the hook's state follows the answer.
  await waitFor(() => hub?.relay.webhooks()[0]?.lastStatus !== 0, "the receiver's answer");
  expect(hub.relay.webhooks()[0]).toMatchObject({ lastStatus: 204, rejected: 0 });
});
