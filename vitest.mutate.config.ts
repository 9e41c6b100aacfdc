/**
 * The tests `npm run mutate` (Stryker, stryker.config.mjs) runs against each mutant: the unit tests
 * of the mutated files and the in-process integration tests that drive them through real sockets.
 * Tests that spawn the CLI (its child process never sees a mutant), the fuzz and soak runs (long,
 * and covered by the suites below) and the GUI tests are left out. Adding a mutated file: add the
 * tests that check it here.
 */
import { defineConfig } from 'vitest/config';

export const mutationTests = [
  'shared/*.test.ts',
  'electron/relay/core/*.test.ts',
  'electron/relay/core/history/*.test.ts',
  'electron/relay/cluster/*.test.ts',
  'electron/relay/server/*.test.ts',
  'electron/host/commands/commands.test.ts',
  'test/integration/api.integration.test.ts',
  'test/integration/bad-input.integration.test.ts',
  'test/integration/lifecycle.integration.test.ts',
  'test/integration/limits.integration.test.ts',
  'test/integration/access.integration.test.ts',
  'test/integration/metrics.integration.test.ts',
  'test/integration/settings.integration.test.ts',
  'test/integration/device-protocol.integration.test.ts',
  'test/integration/binary.integration.test.ts',
  'test/integration/keys.integration.test.ts',
  'test/integration/expiry.integration.test.ts',
];

export default defineConfig({
  test: {
    include: mutationTests,
    // Every test here takes well under 2 s: a mutant that makes one wait for a message that never
    // comes fails it in 5 s instead of the usual 20.
    testTimeout: 5_000,
    hookTimeout: 5_000,
  },
});
