// Mutation testing of the relay's core and the shared parsers: `npm run mutate` (slow; not part of
// `npm test` or CI). Stryker changes one thing at a time in these files (a `<` into `<=`, a `+1`
// into `-1`, a condition into `true`…) and runs the tests that cover it: a mutant the tests do
// not notice is a behaviour nothing checks. Report: reports/mutation/index.html (and
// mutation.json); surviving mutants judged equivalent are listed in docs/mutation.md.

/** The files mutated. Add a file here together with the tests that check it in vitest.mutate.config.ts. */
const mutate = [
  'electron/relay/core/clients/registry.ts',
  'electron/relay/core/clients/connection.ts',
  'electron/relay/core/clients/fanout.ts',
  'electron/relay/core/storage/store.ts',
  'electron/relay/core/options.ts',
  'electron/relay/server/ratelimit.ts',
  'electron/relay/core/clients/bucket.ts',
  'electron/relay/core/access/keys.ts',
  'electron/relay/core/access/access.ts',
  'electron/relay/core/access/expiry.ts',
  'electron/relay/core/access/pairing.ts',
  'electron/relay/core/history/deque.ts',
  'electron/relay/core/history/records.ts',
  'shared/parse.ts',
  'shared/options.ts',
  'shared/protocol.ts',
  'shared/keys.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  // Each mutant runs only the tests that reached its code in the first (dry) run.
  coverageAnalysis: 'perTest',
  // Two cores: one Stryker worker each.
  concurrency: 2,
  // Real-socket tests: a mutant that hangs is cut after 1.5× the tests' normal time plus 5 s.
  timeoutFactor: 1.5,
  timeoutMS: 5_000,
  // Mutants in code that runs when a module loads ("static") would each run every test (20 s here,
  // against well under a second for the others): skipped, and counted as ignored, not as survivors.
  ignoreStatic: true,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The console shows the surviving mutants and the score table; every test's kills are in the HTML report.
  clearTextReporter: { allowEmojis: false, logTests: false, reportTests: false, reportMutants: true },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox copy needs the sources and tests, not the build outputs.
  ignorePatterns: [
    'dist',
    'release',
    'reports',
    'test-results',
    'playwright-report',
    'e2e-results',
    'bench/results',
    '.tsbuild',
    'coverage',
  ],
};
