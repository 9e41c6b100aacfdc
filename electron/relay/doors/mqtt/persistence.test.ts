import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionStore, sessionsFile, type StoredPacket } from './persistence';

const packet = (topic: string, bytes: number): StoredPacket => ({
  cmd: 'publish',
  topic,
  payload: Buffer.alloc(bytes, 0x61),
  qos: 1,
  retain: false,
});

describe('SessionStore', () => {
  it('bounds a session’s queue in messages and bytes, dropping the oldest and counting each', () => {
    let dropped = 0;
    const store = new SessionStore(
      null,
      { maxMessages: 3, maxBytes: 1_000 },
      () => dropped++,
      () => {},
    );
    store.session('c', true);
    for (let i = 0; i < 5; i++) store.enqueue('c', packet(`t${i}`, 10));
    expect(store.session('c')?.queue.map((p) => p.topic)).toEqual(['t2', 't3', 't4']);
    expect(dropped).toBe(2);
    store.enqueue('c', packet('big', 995)); // over the byte budget: older ones go first
    expect(store.session('c')?.queue.map((p) => p.topic)).toEqual(['big']);
    expect(dropped).toBe(5);
  });

  it('keeps persistent sessions in the data dir across a restart, and starts empty from a damaged file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-sessions-'));
    const first = new SessionStore(
      dir,
      { maxMessages: 10, maxBytes: 10_000 },
      () => {},
      () => {},
    );
    await first.addSubscriptions({ id: 'boiler' }, [
      { topic: 'home/+/temp', qos: 1 },
      { topic: 'refused', qos: 128 },
    ]);
    first.own('boiler', 7, 'abcd1234');
    first.enqueue('boiler', packet('home/kitchen/temp', 4));
    first.flush();
    const second = new SessionStore(
      dir,
      { maxMessages: 10, maxBytes: 10_000 },
      () => {},
      () => {},
    );
    expect(await second.subscriptionsByClient({ id: 'boiler' })).toEqual([{ topic: 'home/+/temp', qos: 1 }]);
    expect(second.session('boiler')).toMatchObject({ userId: 7, keyId: 'abcd1234' });
    expect(second.session('boiler')?.queue.map((p) => p.payload.toString())).toEqual(['aaaa']);
    // Sending it finds it in the queue (no second copy); the acknowledgement takes it out.
    const [queued] = second.session('boiler')?.queue ?? [];
    await second.outgoingUpdate({ id: 'boiler' }, { ...(queued as StoredPacket), messageId: 9 });
    expect(second.session('boiler')?.queue).toHaveLength(1);
    await second.outgoingClearMessageId({ id: 'boiler' }, { messageId: 9 });
    expect(second.session('boiler')?.queue).toHaveLength(0);

    writeFileSync(join(dir, sessionsFile), '{not json');
    const warnings: string[] = [];
    const third = new SessionStore(
      dir,
      { maxMessages: 10, maxBytes: 10_000 },
      () => {},
      (m) => warnings.push(m),
    );
    expect(third.sessions().size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(readFileSync(join(dir, sessionsFile), 'utf8')).toBe('{not json');
  });
});
