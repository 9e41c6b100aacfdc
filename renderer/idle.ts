/**
 * Work the page does once it is on screen and idle: `runWhenIdle` starts after the first paint
 * (a timer set from an animation frame fires after that frame is drawn) and runs each task in an
 * idle period of its own, the next only once the previous one has settled. Used to fetch the
 * chunks of the views not shown yet, so that opening one later needs no network and no wait,
 * without adding their evaluation to the page's opening task.
 */

/** What `runWhenIdle` needs of the page (tests pass their own). */
export interface IdleHost {
  requestAnimationFrame(callback: () => void): unknown;
  setTimeout(callback: () => void, ms: number): unknown;
  /** Absent in some engines (jsdom): then a short timer stands in. */
  requestIdleCallback?: (callback: () => void, options: { timeout: number }) => unknown;
}

/** An idle period comes at the latest this long after it was asked for, even on a page kept busy. */
export const idleTimeoutMs = 2_000;

/**
 * Runs `tasks` in order, one per idle period, after the first paint. A task that fails is skipped.
 * `done` runs once the last one has settled.
 */
export function runWhenIdle(
  tasks: readonly (() => Promise<unknown>)[],
  host: IdleHost = window,
  done: () => void = () => undefined,
): void {
  const whenIdle = (run: () => void): void => {
    if (typeof host.requestIdleCallback === 'function') host.requestIdleCallback(run, { timeout: idleTimeoutMs });
    else host.setTimeout(run, 50);
  };
  const next = (index: number): void => {
    const task = tasks[index];
    if (task === undefined) {
      done();
      return;
    }
    whenIdle(() => {
      const step = (): void => next(index + 1);
      task().then(step, step);
    });
  };
  host.requestAnimationFrame(() => host.setTimeout(() => next(0), 0));
}
