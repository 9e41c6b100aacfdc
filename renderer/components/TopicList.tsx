import { formatCount } from '../format';
import { distinctNames } from '../topicNames';

/**
 * Topic names as compact chips: how many, the levels they share said once (`sensors/…/temp`),
 * then what tells each apart (`kitchen`, `hall`), at most `max` of them and `+N` for the rest.
 * Each chip's full name is in its tooltip, every name in the list's.
 */
export function TopicList({
  topics,
  max = 3,
  wrap = false,
}: {
  topics: readonly string[];
  max?: number;
  wrap?: boolean;
}) {
  if (topics.length === 0) return <span className="muted">none</span>;
  const { prefix, suffix, short } = distinctNames(topics);
  const shown = short.slice(0, max);
  const more = topics.length - shown.length;
  return (
    <span className={`chips${wrap ? ' chips-wrap' : ''}`} title={topics.join(', ')} data-testid="topic-chips">
      {topics.length > 1 && <span className="chips-count">{formatCount(topics.length)}</span>}
      {(prefix !== '' || suffix !== '') && <span className="chips-shared muted">{`${prefix}…${suffix}`}</span>}
      {shown.map((name, i) => (
        <span key={topics[i]} className="chip" title={topics[i]}>
          {name}
        </span>
      ))}
      {more > 0 && <span className="chip chip-more">{`+${formatCount(more)}`}</span>}
    </span>
  );
}
