import { elementScroll, type Rect, type Virtualizer } from '@tanstack/react-virtual';

/**
 * How a virtualizer reads and writes its scroll element without laying the page out in the task
 * that rendered it: a big hub's first answer is applied in one task, and the library's reads and
 * writes at mount forced the page's first full layout into it (37–54 ms of it, measured). The
 * browser lays the page out in the frame anyway.
 */

/**
 * A virtualizer's `observeElementRect` that never lays the page out itself. The library's own
 * reads the scroll element's size when it mounts, which forces a layout inside the task that
 * rendered it (50 ms of the task applying a big hub's first answer, measured); a ResizeObserver's
 * first callback comes after the browser's own layout instead, in the frame. Until then the
 * window's size (`initialRect`) stands in. Without ResizeObserver (jsdom), it reads at once.
 */
export function observeRectAfterLayout<S extends Element, I extends Element>(
  instance: Virtualizer<S, I>,
  cb: (rect: Rect) => void,
): (() => void) | undefined {
  const element = instance.scrollElement;
  const view = instance.targetWindow;
  if (element === null || view === null) return undefined;
  const read = (): void => cb({ width: element.clientWidth, height: element.clientHeight });
  if (typeof view.ResizeObserver !== 'function') {
    read();
    return undefined;
  }
  const observer = new view.ResizeObserver(read);
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

/** The first guess at a scroll element's size: the window's (read without a layout). */
export const windowRect = (): Rect => ({ width: window.innerWidth, height: window.innerHeight });

/** Scroll elements whose mount scroll was left out, by virtualizer. */
const mounted = new WeakMap<object, Element>();

/**
 * A virtualizer's `scrollToFn` without the scroll it writes when it mounts: that one moves its new
 * element to offset 0, where a new element is already, and `scrollTo` lays the page out first.
 */
export function scrollAfterMount<S extends Element, I extends Element>(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  instance: Virtualizer<S, I>,
): void {
  const element = instance.scrollElement;
  if (element !== null && mounted.get(instance) !== element) {
    mounted.set(instance, element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
}

/**
 * Runs `fn` once the browser has laid out and drawn what this task changed (a timer set from an
 * animation frame fires after that frame), and answers a cancel. A scroll written then finds the
 * layout done: written in the task that changed the rows, it lays the page out there (26 ms of
 * the task applying the tree's filter to 10,000 topics, profiled).
 */
export function afterNextFrame(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(fn, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
