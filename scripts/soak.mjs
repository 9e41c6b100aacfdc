#!/usr/bin/env node
// `npm run soak [-- --seconds 600]`: the soak test (test/integration/soak.integration.test.ts) for
// longer than CI runs it. It sets SOAK_SECONDS and runs that one Vitest file; the exit code is
// Vitest's. Without --seconds it soaks for 600 s.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let seconds;
try {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '600' } }, strict: true });
  seconds = values.seconds;
  if (!/^\d+$/.test(seconds) || Number(seconds) === 0) throw new TypeError(`--seconds must be a positive whole number`);
} catch (error) {
  console.error(`soak: ${error.message}\nUsage: npm run soak -- [--seconds 600]`);
  process.exit(2);
}
console.log(`soak: ${seconds} s against the headless hub (test/integration/soak.integration.test.ts)`);
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', 'test/integration/soak.integration.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SOAK_SECONDS: seconds },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
