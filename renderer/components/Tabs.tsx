import { type KeyboardEvent, useRef } from 'react';
import { formatCount } from '../format';
import { useStore } from '../store';
import type { View } from '../store/types';

const tabs: readonly { view: View; label: string }[] = [
  { view: 'clients', label: 'Clients' },
  { view: 'users', label: 'Users' },
  { view: 'topics', label: 'Topics' },
  { view: 'keys', label: 'Keys' },
  { view: 'webhooks', label: 'Webhooks' },
  { view: 'messages', label: 'Messages' },
  { view: 'charts', label: 'Charts' },
  { view: 'send', label: 'Publish & register' },
  { view: 'log', label: 'Live log' },
  { view: 'settings', label: 'Settings' },
];

/** The view switcher: WAI-ARIA tabs (arrow keys move between them). */
export function Tabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const stats = useStore((s) => s.stats);
  const refs = useRef(new Map<View, HTMLButtonElement>());
  const counts: Partial<Record<View, number>> = {
    clients: stats.registered,
    users: stats.users,
    topics: stats.topics,
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const index = tabs.findIndex((t) => t.view === view);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next === undefined) return;
    setView(next.view);
    refs.current.get(next.view)?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const count = counts[tab.view];
        return (
          <button
            key={tab.view}
            type="button"
            role="tab"
            id={`tab-${tab.view}`}
            aria-selected={view === tab.view}
            aria-controls="view-panel"
            tabIndex={view === tab.view ? 0 : -1}
            className="tab"
            data-testid={`tab-${tab.view}`}
            ref={(el) => {
              if (el === null) refs.current.delete(tab.view);
              else refs.current.set(tab.view, el);
            }}
            onClick={() => setView(tab.view)}
          >
            {tab.label}
            {count !== undefined && <span className="tab-count">{formatCount(count)}</span>}
          </button>
        );
      })}
    </nav>
  );
}
