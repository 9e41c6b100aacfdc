/** The most the renderer's first script may weigh, minified, all its static imports included (bytes). */
export const rendererBudgetBytes: number;
/** The first script of the built renderer in `dir`: its files (relative to `dir`), bytes and gzipped bytes. */
export function rendererFirstScript(dir: string): Promise<{ files: string[]; bytes: number; gzipped: number }>;
/** One line for the build's output. */
export function rendererSizeLine(size: { files: string[]; bytes: number; gzipped: number }): string;
