import type { ReactNode } from 'react';

/**
 * A labelled form field. The line under the input always exists (hint, error, or blank), so
 * an error appearing never pushes the rest of the form down. Inputs should point
 * `aria-describedby` at `fieldNoteId(id)`.
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${error !== undefined ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      <p className={error !== undefined ? 'field-error' : 'field-hint'} id={fieldNoteId(id)}>
        {error ?? hint ?? ''}
      </p>
    </div>
  );
}

/** Id of a field's hint/error line, for `aria-describedby`. */
export const fieldNoteId = (id: string): string => `${id}-note`;
