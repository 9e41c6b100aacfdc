/**
 * Fuzz of the doors' routes and the new device frames (will, presence): seeded junk against a hub
 * with a token; every answer is a documented status (never a 5xx), and the hub keeps serving.
 */
import { randomInt } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { doorCase, runDoorCase } from '../fuzz/doors';
import { jsonValue, Rng } from '../fuzz/gen';
import { Device, register, startHub, type TestHub } from '../support/relay';

const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const scale = Number(process.env.FUZZ_RUNS ?? 1);
const token = 'fuzz-doors-token-0123456789';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  hub = null;
});

it(`answers junk on the doors' routes with a 4xx or a stream, never a 5xx (FUZZ_SEED=${seed})`, async () => {
  hub = await startHub({ accessToken: token, streamHeartbeatMs: 50 });
  const rng = new Rng(seed);
  const problems: string[] = [];
  const cases = Array.from({ length: Math.round(400 * scale) }, () => doorCase(rng));
  for (let i = 0; i < cases.length; i += 16) {
    await Promise.all(
      cases.slice(i, i + 16).map(async (item) => {
        const status = await runDoorCase(hub?.port ?? 0, item, token);
        if (!item.allowed.includes(status))
          problems.push(`${status} for ${item.method} ${item.path} ${item.body ?? ''}`);
      }),
    );
  }
  expect(problems, `FUZZ_SEED=${seed}`).toEqual([]);
  for (const webhook of hub.relay.webhooks()) hub.relay.removeWebhook(webhook.id);
  expect((await fetch(`${hub.base}/health`)).status).toBe(200);
});

it(`answers junk will and presence frames with an error frame or nothing, and stays up (FUZZ_SEED=${seed})`, async () => {
  hub = await startHub({ accessToken: token });
  const { url } = await (async () => {
    const res = await fetch(`${hub?.base}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 1 }),
    });
    return (await res.json()) as { url: string };
  })();
  const device = await Device.connect(`${url}?format=envelope`);
  const rng = new Rng(seed ^ 0x2545f491);
  const frames = Array.from({ length: Math.round(300 * scale) }, () =>
    JSON.stringify(
      rng.chance(0.5)
        ? {
            will: rng.chance(0.2)
              ? null
              : (JSON.parse(rng.chance(0.5) ? jsonValue(rng, 2) : '{"topic":"w","message":"x"}') as unknown),
          }
        : { topics: ['p'], presence: JSON.parse(jsonValue(rng, 1)) as unknown },
    ),
  );
  for (const frame of frames) device.send(frame);
  device.send(JSON.stringify({ ping: 'end' }));
  await new Promise<void>((resolve) => {
    const check = (): void =>
      device.messages.some((m) => m.includes('"pong":"end"')) ? resolve() : void setTimeout(check, 10);
    check();
  });
  for (const text of device.messages) {
    const frame = JSON.parse(text) as { error?: { code: string }; pong?: unknown; presence?: unknown };
    expect(frame.error !== undefined || frame.pong !== undefined || frame.presence !== undefined, text).toBe(true);
  }
  expect(device.closeCode).toBeNull();
  await device.close();
  expect((await register(hub.port, 2).catch(() => null)) === null).toBe(true); // the token is still required
});
