import { useEffect, useState } from 'react';
import { copyText } from '../clipboard';

/** A button that copies `text` and says so for 1.5 s. The width stays fixed so nothing jumps. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const onClick = (): void => {
    void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
  };
  return (
    <button type="button" className="btn btn-small copy-btn" onClick={onClick} aria-label={`${label}: ${text}`}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Failed' : label}</span>
    </button>
  );
}

/** A line of monospace text with a copy button beside it. */
export function CopyField({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="copy-field">
      <code data-testid={testId} title={text}>
        {text}
      </code>
      <CopyButton text={text} />
    </div>
  );
}
