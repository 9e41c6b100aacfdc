/** The most the SDK may weigh, minified + gzipped (bytes). */
export const sdkBudgetBytes: number;
/** Copies the built SDK into a package folder's dist (with its package.json, README, LICENSE when not client/). */
export function stageSdkPackage(built: string, target: string): Promise<void>;
/** The SDK's main entry, bundled and minified as an app would ship it: its size minified and gzipped. */
export function sdkSize(root: string): Promise<{ minified: number; gzipped: number }>;
/** One line for the build's output. */
export function sdkSizeLine(size: { minified: number; gzipped: number }): string;
