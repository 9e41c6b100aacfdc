import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A side panel beside a list (a non-modal dialog): its heading takes the focus when it opens;
 * Escape (wherever the focus is: the button that had it may be gone) or the close button closes
 * it and gives the focus back to where it was.
 */
export function DetailPanel({
  title,
  onClose,
  testId,
  children,
}: {
  title: string;
  onClose: () => void;
  testId: string;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    heading.current?.focus();
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !event.defaultPrevented) close.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      if (before?.isConnected === true) before.focus();
    };
  }, []);
  return (
    <div className="detail-panel" role="dialog" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <div className="detail-head">
        <h2 id={`${testId}-title`} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close the details">
          Close
        </button>
      </div>
      <div className="detail-content">{children}</div>
    </div>
  );
}
