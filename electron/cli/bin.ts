/**
 * The headless hub: `relay-hub [--host H] [--port P] [--dashboard] ...` runs the relay as one
 * Node process, prints the URLs devices can use, and stops cleanly on SIGINT/SIGTERM.
 * `relay-hub keys …` / `relay-hub pair …` manage device keys of a running hub instead.
 */
import { join } from 'node:path';
import { runHeadless } from './headless';
import { runKeysCommand } from './keys-command';

// Bundled to dist/cli/relay-hub.cjs: the built renderer is dist/renderer, the device SDK dist/client.
const dist = join(__dirname, '..');
const argv = process.argv.slice(2);
const io = { env: process.env, out: console.log, err: console.error, fetch };
const run =
  argv[0] === 'keys' || argv[0] === 'pair'
    ? runKeysCommand(argv, io)
    : runHeadless(argv, process.env, {
        staticDir: join(dist, 'renderer'),
        sdkFile: join(dist, 'client/index.mjs'),
        devicePage: join(dist, 'device'),
      });
run.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('relay-hub: fatal:', error);
    process.exitCode = 1;
  },
);
