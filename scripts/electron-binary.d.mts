/** Electron 45's tooling needs this Node version or newer. */
export const electronToolingNode: string;
/** The headless hub and the build need this Node version or newer. */
export const hubNode: string;
/** The Electron binary's path, or the reason it cannot be used (`missing`: it can be fetched). */
export function findElectron(root: string): { path: string } | { reason: string; missing?: true };
/** True when version `a` is older than `b`. */
export function olderThan(a: string, b: string): boolean;
/** Why Electron cannot open a window on this platform and environment, or null. */
export function noDisplay(platform: NodeJS.Platform, env: Record<string, string | undefined>): string | null;
/** Runs the installer with a time limit. */
export function runInstaller(options: {
  command: string[];
  timeoutMs: number;
  cwd: string;
}): Promise<{ ok: true } | { ok: false; reason: string }>;
/** What `npm start` runs: the Electron binary (fetched when missing), or why the headless hub runs instead. */
export function electronForStart(options: {
  root: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  nodeVersion: string;
  installer: string[];
  timeoutMs: number;
  say: (line: string) => void;
}): Promise<{ path: string } | { fallback: string }>;
