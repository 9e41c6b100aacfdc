/**
 * A topic's values as the node detail reads them, pure: JSON parsed when it is JSON, the
 * differences between two consecutive values, the numeric fields a plot can follow, and a
 * field's number in each message.
 */

/** One difference between two JSON values at a path (`a.b[2]`; `` for the whole value). */
export interface DiffEntry {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Most differences listed (a value that changed everywhere says so in its first ones). */
export const maxDiffEntries = 200;

/** The value of a JSON text, or undefined when the text is not JSON (or is not an object, array or number). */
export function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first === undefined || !'{[-0123456789'.includes(first)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/** What changed from `before` to `after`, key by key and item by item (at most `maxDiffEntries`). */
export function jsonDiff(before: unknown, after: unknown): DiffEntry[] {
  const entries: DiffEntry[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (entries.length >= maxDiffEntries) return;
    if (isObject(a) && isObject(b)) {
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(b, key)) entries.push({ path: join(path, key), kind: 'removed', before: a[key] });
        else walk(a[key], b[key], join(path, key));
      }
      for (const key of Object.keys(b)) {
        if (!Object.hasOwn(a, key)) entries.push({ path: join(path, key), kind: 'added', after: b[key] });
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const common = Math.min(a.length, b.length);
      for (let i = 0; i < common; i++) walk(a[i], b[i], join(path, i));
      for (let i = common; i < a.length; i++) entries.push({ path: join(path, i), kind: 'removed', before: a[i] });
      for (let i = common; i < b.length; i++) entries.push({ path: join(path, i), kind: 'added', after: b[i] });
      return;
    }
    if (!Object.is(a, b)) entries.push({ path, kind: 'changed', before: a, after: b });
  };
  walk(before, after, '');
  return entries.slice(0, maxDiffEntries);
}

/** The paths of every number in a JSON value (`` when the value is a number), in document order, at most 50. */
export function numericPaths(value: unknown): string[] {
  const paths: string[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (paths.length >= 50 || depth > 8) return;
    if (typeof node === 'number' && Number.isFinite(node)) paths.push(path);
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, join(path, i), depth + 1));
    else if (isObject(node)) for (const [key, item] of Object.entries(node)) walk(item, join(path, key), depth + 1);
  };
  walk(value, '', 0);
  return paths;
}

/** The number at `path` in a JSON value (as `numericPaths` writes paths), or null. */
export function numberAt(value: unknown, path: string): number | null {
  let node = value;
  if (path !== '') {
    for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
      if (part.startsWith('[')) node = Array.isArray(node) ? (node[Number(part.slice(1, -1))] as unknown) : undefined;
      else node = isObject(node) ? node[part] : undefined;
    }
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : null;
}

/** A JSON value in one short line for a diff (`"on"`, `21.5`, `{…}`). */
export function shortJson(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
