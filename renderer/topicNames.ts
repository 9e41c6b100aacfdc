/**
 * Topic names for chips, pure: what tells a set of topics apart. `sensors/kitchen/temp`,
 * `sensors/hall/temp` and `sensors/lab/temp` differ in one level: the chips say `kitchen`,
 * `hall`, `lab`, and the shared `sensors/…/temp` is said once.
 */

/** The levels every topic shares at its start and its end, and each topic's distinguishing middle. */
export interface DistinctNames {
  /** Shared leading levels with their slash (`sensors/`), or ''. */
  prefix: string;
  /** Shared trailing levels with their slash (`/temp`), or ''. */
  suffix: string;
  /** Each topic's distinguishing part, in the given order. */
  short: string[];
}

function sharedLevels(split: readonly string[][], fromEnd: boolean): number {
  const first = split[0] ?? [];
  let shared = 0;
  for (;;) {
    const at = (levels: readonly string[]): string | undefined =>
      fromEnd ? levels[levels.length - 1 - shared] : levels[shared];
    const level = at(first);
    if (level === undefined || !split.every((levels) => at(levels) === level)) return shared;
    shared++;
  }
}

/** What tells `topics` apart (nothing is cut from one topic alone, or from names a cut would empty). */
export function distinctNames(topics: readonly string[]): DistinctNames {
  if (topics.length < 2) return { prefix: '', suffix: '', short: [...topics] };
  const split = topics.map((topic) => topic.split('/'));
  const shortest = Math.min(...split.map((levels) => levels.length));
  // Keep at least one level of each name.
  const head = Math.min(sharedLevels(split, false), shortest - 1);
  const tail = Math.min(sharedLevels(split, true), shortest - 1 - head);
  const short = split.map((levels) => levels.slice(head, levels.length - tail).join('/'));
  // Two topics that differ only by an empty level would read the same: keep the names whole.
  if (new Set(short).size < new Set(topics).size || short.some((name) => name === '')) {
    return { prefix: '', suffix: '', short: [...topics] };
  }
  const first = split[0] ?? [];
  return {
    prefix: head === 0 ? '' : `${first.slice(0, head).join('/')}/`,
    suffix: tail === 0 ? '' : `/${first.slice(first.length - tail).join('/')}`,
    short,
  };
}
