/** The Electron binary's path, or the reason it cannot be used. */
export function findElectron(root: string): { path: string } | { reason: string };
