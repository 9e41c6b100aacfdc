/**
 * MQTT topic filters, the one home of `+` and `#` for every door: `+` matches exactly one level,
 * `#` (alone, last) the rest of the topic including its parent, levels split on `/`. Wildcards
 * never match a topic whose first level starts with `$` (MQTT 3.1.1 §4.7.2). Plain topic lists
 * (the tutorial's `{"topics": [...]}`) never go through here: there `+` and `#` stay literal.
 */

/** True when `filter` has a wildcard level (`+` or `#`). */
export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/**
 * Null when `filter` is a valid MQTT filter, else why not: non-empty, no NUL, `#` only as the
 * whole last level, `+` only as a whole level (`a/#/b`, `a+`, `a/b#` are refused).
 */
export function filterProblem(filter: string): string | null {
  if (filter.length === 0) return 'a filter must not be empty';
  if (filter.includes('\u0000')) return 'a filter must not contain NUL';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return `'#' must be the whole last level of a filter (${filter})`;
    }
    if (level.includes('+') && level !== '+') return `'+' must be a whole level of a filter (${filter})`;
  }
  return null;
}

/** True when `topic` (a concrete topic, no wildcards) matches `filter`. */
export function filterMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
