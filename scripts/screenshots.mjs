#!/usr/bin/env node
// `npm run screenshots`: builds, runs the screenshot spec and the cluster spec (real hubs, a real
// redis-server, real devices, Chromium) and copies the curated few the README and docs/ show into
// docs/screenshots/. Run it when the GUI changes and commit the images.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** test-results/screenshots/<from>.png → docs/screenshots/<to>.png */
const curated = [
  ['clients-detail-light', 'clients'],
  ['messages-light', 'messages'],
  ['charts-dark', 'charts'],
  ['add-device-light', 'add-device'],
  ['keys-light', 'keys'],
  ['topics-history-light', 'topics'],
  ['topic-tree-light', 'topic-tree'],
  ['topic-tree-plot', 'topic-tree-plot'],
  ['topic-tree-diff', 'topic-tree-diff'],
  ['phone-light', 'phone'],
  ['cluster-light', 'cluster'],
];

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, ['scripts/build.mjs', '--only', 'cli', '--only', 'renderer']);
run(process.execPath, [
  'node_modules/@playwright/test/cli.js',
  'test',
  'e2e/screenshots.spec.ts',
  'e2e/cluster.spec.ts',
  '--project',
  'gui',
]);
mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
for (const [from, to] of curated) {
  copyFileSync(join(root, 'test-results/screenshots', `${from}.png`), join(root, 'docs/screenshots', `${to}.png`));
  console.log(`docs/screenshots/${to}.png ← test-results/screenshots/${from}.png`);
}
