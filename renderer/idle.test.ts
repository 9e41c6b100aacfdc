import { describe, expect, it } from 'vitest';
import { idleTimeoutMs, runWhenIdle, type IdleHost } from './idle';

/** A page whose frames, timers and idle periods come when the test says. */
function page(withIdle = true) {
  const frames: (() => void)[] = [];
  const timers: (() => void)[] = [];
  const idle: (() => void)[] = [];
  const timeouts: number[] = [];
  const host: IdleHost = {
    requestAnimationFrame: (fn) => frames.push(fn),
    setTimeout: (fn) => timers.push(fn),
    ...(withIdle && {
      requestIdleCallback: (fn: () => void, options: { timeout: number }) => {
        timeouts.push(options.timeout);
        idle.push(fn);
      },
    }),
  };
  const take = (queue: (() => void)[]): void => {
    const fn = queue.shift();
    if (fn === undefined) throw new Error('nothing queued');
    fn();
  };
  return { host, frames, timers, idle, timeouts, take };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('runWhenIdle', () => {
  it('starts after the first paint and runs one task per idle period, each after the previous settled', async () => {
    const p = page();
    const ran: string[] = [];
    let finishFirst = (): void => {};
    let done = false;
    runWhenIdle(
      [
        () => new Promise<void>((resolve) => ((finishFirst = resolve), ran.push('a'))),
        () => Promise.reject(new Error('chunk gone')).finally(() => ran.push('b')),
        () => Promise.resolve(ran.push('c')),
      ],
      p.host,
      () => (done = true),
    );
    expect([ran, p.timers.length, p.idle.length]).toEqual([[], 0, 0]); // nothing in the opening task
    p.take(p.frames); // the first frame: a timer, which fires after that frame is drawn
    expect([p.timers.length, p.idle.length]).toEqual([1, 0]);
    p.take(p.timers);
    expect(ran).toEqual([]);
    p.take(p.idle);
    expect(ran).toEqual(['a']);
    await settle();
    expect(p.idle).toHaveLength(0); // the first has not settled: the second waits
    finishFirst();
    await settle();
    p.take(p.idle);
    await settle();
    expect(ran).toEqual(['a', 'b']);
    expect(done).toBe(false);
    p.take(p.idle); // a failed task does not stop the others
    await settle();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(done).toBe(true); // once the last has settled
    expect(p.idle).toHaveLength(0);
    expect(p.timeouts).toEqual([idleTimeoutMs, idleTimeoutMs, idleTimeoutMs]);
  });

  it('uses a short timer where the engine has no idle callbacks', async () => {
    const p = page(false);
    const ran: number[] = [];
    runWhenIdle([() => Promise.resolve(ran.push(1))], p.host);
    p.take(p.frames);
    p.take(p.timers);
    p.take(p.timers);
    await settle();
    expect(ran).toEqual([1]);
  });
});
