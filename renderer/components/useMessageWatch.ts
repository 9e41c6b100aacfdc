import { useEffect, useRef, useState } from 'react';
import { useStore } from '../store';
import { messageFilterOf } from '../store/selectors';

/**
 * Where the inspector stands: waiting for the hub (`starting`, or `applying` a changed filter),
 * live with the current filter, or unable to watch (with why).
 */
export type WatchState =
  { kind: 'starting' } | { kind: 'applying' } | { kind: 'live' } | { kind: 'failed'; message: string };

/**
 * Opens the hub's message tap for this page while the calling view is shown (and the hub is
 * reachable), follows filter changes after a short pause in typing, and closes the tap when the
 * view goes away: with no inspector open, the hub looks at no message for this GUI.
 */
export function useMessageWatch(): WatchState {
  const open = useStore((s) => s.link.kind === 'open' && s.loaded);
  const filter = useStore((s) => s.messageFilter);
  const call = useStore((s) => s.call);
  const key = JSON.stringify(messageFilterOf(filter));
  // The hub's answer for the filter it was sent (the key): the state is `live` only for the current one.
  const [answer, setAnswer] = useState<{ key: string; state: WatchState } | null>(null);
  const watching = useRef(false);
  useEffect(() => {
    if (!open) return;
    let current = true;
    // The first watch goes at once; filter changes wait for a pause in typing.
    const timer = setTimeout(
      () =>
        void call('watchMessages', JSON.parse(key) as Record<string, never>).then((result) => {
          if (!current) return;
          watching.current = result.ok;
          setAnswer({ key, state: result.ok ? { kind: 'live' } : { kind: 'failed', message: result.error.message } });
        }),
      watching.current ? 200 : 0,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, key, call]);
  useEffect(() => {
    if (!open) return;
    return () => {
      watching.current = false;
      void call('watchMessages', null);
    };
  }, [open, call]);
  if (!open || answer === null) return { kind: 'starting' };
  return answer.key === key ? answer.state : { kind: 'applying' };
}
