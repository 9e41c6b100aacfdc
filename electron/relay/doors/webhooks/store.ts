/**
 * Where the webhooks and their cursors live: `<data dir>/webhooks.json` (written whole, through a
 * temporary file and a rename; an operator may also write it by hand before a start). Without a
 * data dir they live in memory only. A cursor is, per topic, the position of the last message the
 * receiver acknowledged with a 2xx.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamPosition } from '../../../../shared/api';
import { parseWebhookRequest, type WebhookRequest } from '../../../../shared/webhooks';
import { writeFileAtomic } from '../../core/storage/atomic-file';

/** One stored hook. */
export interface StoredHook extends WebhookRequest {
  id: string;
  createdAt: number;
  /** Per topic: the last position acknowledged. */
  cursors: Record<string, StreamPosition>;
}

const fileName = 'webhooks.json';

/** The webhooks file of a data dir (null: in memory). */
export class HookStore {
  readonly #path: string | null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    dataDir: string | null,
    private readonly snapshot: () => StoredHook[],
    private readonly warn: (message: string) => void,
  ) {
    this.#path = dataDir === null ? null : join(dataDir, fileName);
  }

  /** The hooks on disk (none without a file); a damaged file or hook is skipped with a warning. */
  load(): StoredHook[] {
    if (this.#path === null || !existsSync(this.#path)) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.#path, 'utf8'));
    } catch (error) {
      this.warn(`cannot read ${this.#path}: ${(error as Error).message}`);
      return [];
    }
    const list = (parsed as { webhooks?: unknown }).webhooks;
    if (!Array.isArray(list)) return [];
    const hooks: StoredHook[] = [];
    for (const [index, item] of list.entries()) {
      const checked = parseWebhookRequest(item);
      const raw = item as Partial<StoredHook>;
      if (!checked.ok) {
        this.warn(`webhook ${index} of ${this.#path} is skipped: ${checked.message}`);
        continue;
      }
      hooks.push({
        ...checked.value,
        id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : `wh-${index}-${Date.now().toString(36)}`,
        createdAt: typeof raw.createdAt === 'number' ? raw.createdAt : Date.now(),
        cursors: cursorsOf(raw.cursors),
      });
    }
    return hooks;
  }

  /** Writes soon (cursors move often: one write per short while). */
  saveSoon(): void {
    if (this.#path === null || this.#timer !== null) return;
    this.#timer = setTimeout(() => this.save(), 100);
    this.#timer.unref();
  }

  /** Writes now. */
  save(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#path === null) return;
    try {
      writeFileAtomic(this.#path, `${JSON.stringify({ version: 1, webhooks: this.snapshot() }, null, 1)}\n`);
    } catch (error) {
      this.warn(`cannot write ${this.#path}: ${(error as Error).message}`);
    }
  }
}

function cursorsOf(value: unknown): Record<string, StreamPosition> {
  const cursors: Record<string, StreamPosition> = {};
  if (typeof value !== 'object' || value === null) return cursors;
  for (const [topic, position] of Object.entries(value)) {
    const { epoch, offset } = (position ?? {}) as Partial<StreamPosition>;
    if (typeof epoch === 'string' && typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) {
      cursors[topic] = { epoch, offset };
    }
  }
  return cursors;
}
