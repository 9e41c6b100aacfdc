// Browser end-to-end tests: real hub processes (dist/cli), real `ws` devices, Debian's Chromium.
// `npm run e2e` builds first; `npx playwright test` alone expects a fresh dist/.
import { defineConfig } from '@playwright/test';

/** Flags Chromium needs here: running as root in a sandbox-less container without network or GPU. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  forbidOnly: process.env.CI !== undefined,
  projects: [
    { name: 'gui', testIgnore: /scale\.spec\.ts/ },
    // The scale spec measures the main thread's long tasks: it runs alone, after the others. A
    // 2-core machine shows a stray long task in about one run of six (0–77 ms usually, 176 ms
    // once): a measurement over budget is taken again once and reported as flaky; two in a row fail.
    { name: 'scale', testMatch: /scale\.spec\.ts/, dependencies: ['gui'], retries: 1 },
  ],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
