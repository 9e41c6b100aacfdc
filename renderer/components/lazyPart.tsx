/**
 * The views, the key dialog and the MQTT QR code live in chunks of their own (parts.ts), so that the
 * page's first script stays small: evaluating one 420 KB module was a single main-thread task of
 * 80–100 ms on a busy hub. `lazyPart` loads a part when first shown; `preload` fetches it
 * beforehand (main.tsx, ../idle.ts), and a part already loaded renders at once, without passing
 * through its fallback.
 */
import { Component, lazy, type ComponentType, type ReactNode, Suspense, useState } from 'react';

/** A component whose code loads on demand; `preload()` starts (or joins) the loading. */
export interface LazyPart<P extends object> {
  (props: P): ReactNode;
  readonly preload: () => Promise<unknown>;
}

/** `load` answers the component (`() => import('./X').then((m) => m.X)`). */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = null; // a later attempt fetches again
        throw error;
      },
    ));
  const Pending = lazy(() => preload().then((component) => ({ default: component })));
  function Part(props: P): ReactNode {
    // Chosen once per mount: swapping the wrapper for the loaded component would remount it.
    const [Shown] = useState<ComponentType<P>>(() => loaded ?? Pending);
    return <Shown {...props} />;
  }
  Part.preload = preload;
  return Part;
}

/** Shown while a view's code loads: one muted line inside the panel, which keeps its size. */
export function ViewLoading() {
  return (
    <p className="loading" role="status" data-testid="view-loading">
      Loading…
    </p>
  );
}

interface BoundaryState {
  failed: boolean;
}

/**
 * Catches a part whose code did not load (the hub was updated or went away meanwhile: the old
 * chunk is gone) and offers to reload the page, instead of an empty window.
 */
export class PartBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="view-pad" role="alert">
        <p>This part of the page could not be loaded (the hub may have been updated or stopped).</p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </div>
    );
  }
}

/** A lazy part inside its boundary and a Suspense showing `fallback` while it loads. */
export function Loaded({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  return (
    <PartBoundary>
      <Suspense fallback={fallback}>{children}</Suspense>
    </PartBoundary>
  );
}
