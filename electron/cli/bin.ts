/**
 * The headless hub: `relay-hub [--host H] [--port P] [--dashboard] ...` runs the relay as one
 * Node process, prints the URLs devices can use, and stops cleanly on SIGINT/SIGTERM.
 */
import { join } from 'node:path';
import { runHeadless } from './headless';

// Bundled to dist/cli/relay-hub.cjs: the built renderer is dist/renderer, the device SDK dist/client.
const dist = join(__dirname, '..');
runHeadless(process.argv.slice(2), process.env, {
  staticDir: join(dist, 'renderer'),
  sdkFile: join(dist, 'client/index.mjs'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('relay-hub: fatal:', error);
    process.exitCode = 1;
  },
);
