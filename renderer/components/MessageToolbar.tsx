import { messageLimits } from '../store/messagesSlice';
import { useStore } from '../store';
import { formatCount } from '../format';
import { FilterBox } from './FilterBox';

/** The inspector's filters (sent to the hub), pause, clear, and the buffer size. */
export function MessageToolbar() {
  const filter = useStore((s) => s.messageFilter);
  const paused = useStore((s) => s.messagesPaused);
  const empty = useStore((s) => s.messages.length === 0 && s.heldMessages.length === 0);
  const { setMessageFilter, setMessagesPaused, clearMessages } = useStore.getState();
  return (
    <div className="toolbar toolbar-wrap">
      <FilterBox
        label="Topic starts with"
        placeholder="Topic prefix, e.g. kitchen/"
        value={filter.topic}
        onChange={(topic) => setMessageFilter({ topic })}
        testId="message-topic-filter"
      />
      <label className="field-inline">
        <span className="visually-hidden">User id</span>
        <input
          className="input-narrow"
          inputMode="numeric"
          placeholder="User"
          data-testid="message-user-filter"
          value={filter.user}
          aria-invalid={filter.user.trim() !== '' && !/^\d{1,15}$/.test(filter.user.trim())}
          onChange={(e) => setMessageFilter({ user: e.target.value })}
        />
      </label>
      <FilterBox
        label="Text in the message"
        placeholder="Text in the message"
        value={filter.text}
        onChange={(text) => setMessageFilter({ text })}
        testId="message-text-filter"
      />
      <button type="button" className="btn" aria-pressed={paused} onClick={() => setMessagesPaused(!paused)}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" className="btn" onClick={clearMessages} disabled={empty}>
        Clear
      </button>
    </div>
  );
}

/** How many messages the inspector keeps (saved in this browser). */
export function MessageLimitSelect() {
  const limit = useStore((s) => s.messageLimit);
  const setMessageLimit = useStore((s) => s.setMessageLimit);
  return (
    <label className="field-inline toolbar-end">
      <span className="muted">Keep last</span>
      <select value={limit} onChange={(e) => setMessageLimit(Number(e.target.value))} data-testid="message-limit">
        {messageLimits.map((n) => (
          <option key={n} value={n}>
            {formatCount(n)}
          </option>
        ))}
      </select>
    </label>
  );
}
