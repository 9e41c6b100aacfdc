import { useEffect } from 'react';
import { useStore } from '../store';
import type { Store } from '../store/types';

/**
 * Keeps data the hub does not push fresh while a view shows it: calls `load` at once, again when
 * `watch(state)` changes (at most every `minGapMs`, one load at a time), and every `everyMs`.
 */
export function useLiveRefresh(
  load: () => Promise<void>,
  watch: (state: Store) => unknown,
  { minGapMs = 500, everyMs = 10_000 }: { minGapMs?: number; everyMs?: number } = {},
): void {
  useEffect(() => {
    let running = false;
    let again = false;
    let lastAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = (): void => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      clearTimeout(timer);
      running = true;
      lastAt = Date.now();
      void load().finally(() => {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      });
    };
    const schedule = (): void => {
      clearTimeout(timer);
      timer = setTimeout(run, Math.max(0, lastAt + minGapMs - Date.now()));
    };
    run();
    let watched = watch(useStore.getState());
    const unsubscribe = useStore.subscribe((state) => {
      const next = watch(state);
      if (Object.is(next, watched)) return;
      watched = next;
      if (running) again = true;
      else schedule();
    });
    const interval = setInterval(run, everyMs);
    return () => {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearInterval(interval);
    };
  }, [load, watch, minGapMs, everyMs]);
}
