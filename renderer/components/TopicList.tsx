/** Topic names as compact chips; the full list is in the tooltip when they do not fit. */
export function TopicList({ topics }: { topics: readonly string[] }) {
  if (topics.length === 0) return <span className="muted">none</span>;
  return (
    <span className="chips" title={topics.join(', ')}>
      {topics.map((topic) => (
        <span key={topic} className="chip">
          {topic}
        </span>
      ))}
    </span>
  );
}
