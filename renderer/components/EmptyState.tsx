import type { ReactNode } from 'react';
import { CopyField } from './CopyButton';

/** What to show instead of an empty list: what this is, and what to do next. */
export function EmptyState({
  title,
  children,
  command,
  next,
  action,
}: {
  title: string;
  children?: ReactNode;
  /** A shell command the operator can copy. */
  command?: string | null;
  /** What to do after running the command. */
  next?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>{title}</h2>
      {children !== undefined && <div className="empty-body">{children}</div>}
      {command != null && <CopyField text={command} testId="empty-command" />}
      {next !== undefined && <div className="empty-body">{next}</div>}
      {action !== undefined && <div className="empty-action">{action}</div>}
    </div>
  );
}
