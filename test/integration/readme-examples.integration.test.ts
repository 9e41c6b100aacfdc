/**
 * The SDK page's Node example (docs/sdk.md), run exactly as written (only the hub's address
 * changes) against a real hub: it connects, publishes, and prints what it receives. The browser
 * example runs in Chromium in e2e/sdk-browser.spec.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Device, postJson, startHub, type TestHub } from '../support/relay';
import { readmeBlock, readmeHub } from '../support/readme';
import { waitFor } from '../support/sdk';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.relay.stop();
  hub = null;
});

beforeAll(() => {
  // The example imports relay-hub/client: the built package (npm run build does the same).
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'client'], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
});

describe('docs/sdk.md', () => {
  it("runs the device SDK's Node example as written", async () => {
    hub = await startHub();
    const reader = await Device.join(hub, 2);
    const code = readmeBlock('sdk-node-example', 'docs/sdk.md').replaceAll(readmeHub, hub.base);
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => out.includes('delivered to 1'), `the example's receipt (output: ${out})`);
      expect(out).toContain('state: open');
      await reader.waitForMessages(1);
      expect(reader.messages).toEqual(['hello from Node']);
      await postJson(hub.port, '/publish', { topic: 'cats', message: 'hello back' });
      await waitFor(() => out.includes('cats: hello back'), 'the example printing a message');
    } finally {
      child.kill();
      await reader.close();
    }
  });
});
