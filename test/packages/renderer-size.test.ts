/**
 * The GUI's first script stays small: evaluating it is one main-thread task when a page opens (on a
 * busy hub it was 80–100 ms for a 415 KiB module), so every part not on screen at first is a chunk
 * of its own. The renderer is built into a temporary dir (a few seconds) and measured the way the
 * build reports it: the entry module of index.html and everything it imports statically.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rendererBudgetBytes, rendererFirstScript, rendererSizeLine } from '../../scripts/renderer-size.mjs';
import { run } from '../support/pack';

/** Every part that loads after the first script: the views behind the tabs, the key dialog, the MQTT QR code. */
const lazyParts = [
  'ClientsView',
  'UsersView',
  'TopicsView',
  'KeysView',
  'WebhooksView',
  'MessagesView',
  'ChartsView',
  'SendView',
  'LogView',
  'SettingsView',
  'KeyDialog',
  'MqttMore',
];

let dir: string;
let first: Awaited<ReturnType<typeof rendererFirstScript>>;

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'relay-hub-renderer-'));
  // As `npm run build` does: vitest's NODE_ENV=test would make Vite bundle React's development build.
  run(process.execPath, ['scripts/build.mjs', '--out', out, '--only', 'renderer'], process.cwd(), {
    NODE_ENV: 'production',
  });
  dir = join(out, 'renderer');
  first = await rendererFirstScript(dir);
  console.log(rendererSizeLine(first));
}, 60_000);

describe('the renderer’s first script', () => {
  it(`stays within ${rendererBudgetBytes / 1024} KiB minified`, () => {
    expect(first.files[0]).toMatch(/^assets\/index-[\w-]+\.js$/);
    expect(first.bytes).toBeGreaterThan(100_000); // React is in it: the measure found the real entry
    expect(first.bytes).toBeLessThanOrEqual(rendererBudgetBytes);
  });

  it('holds none of the parts shown later: each is a chunk of its own', () => {
    const assets = readdirSync(join(dir, 'assets'));
    for (const part of lazyParts) {
      const chunk = assets.find((name) => name.startsWith(`${part}-`) && name.endsWith('.js'));
      expect(chunk, `${part} has no chunk of its own`).toBeDefined();
      expect(first.files).not.toContain(`assets/${chunk ?? ''}`);
    }
    // Nor the QR codes (MQTT address, phone link) and their library.
    const code = first.files.map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
    expect(code).not.toContain('MQTT address as a QR code');
    expect(code).not.toContain('Scan the code with the phone’s camera');
  });
});

describe('the measure', () => {
  it('follows static imports, not dynamic ones, and says when the budget is passed', async () => {
    const site = mkdtempSync(join(tmpdir(), 'relay-hub-renderer-fixture-'));
    mkdirSync(join(site, 'assets'));
    writeFileSync(join(site, 'index.html'), '<script type="module" crossorigin src="./assets/index-a.js"></script>');
    writeFileSync(join(site, 'assets/index-a.js'), 'import{t as e}from"./b.js";import"./c.js";import("./later.js");');
    writeFileSync(join(site, 'assets/b.js'), 'import{x}from"../d.js";export const t=x;');
    writeFileSync(join(site, 'assets/c.js'), 'x'.repeat(rendererBudgetBytes));
    writeFileSync(join(site, 'd.js'), 'export const x=1;');
    writeFileSync(join(site, 'assets/later.js'), 'never counted');
    const size = await rendererFirstScript(site);
    expect(size.files).toEqual(['assets/index-a.js', 'assets/b.js', 'assets/c.js', 'd.js']);
    expect(rendererSizeLine(size)).toContain('OVER');
  });
});
