/**
 * The device SDK as its own npm package, `relay-hub-client` (client/package.json): packed with
 * `npm pack`, installed from the tarball into an empty project with no network (`ws` from npm's
 * cache), then used there as people would — an ES module script, a CommonJS script and a
 * TypeScript program checked with `tsc --noEmit` — against the real headless hub. The hub's
 * /sdk/relay-hub-client.mjs must be that same build, and the SDK must stay within its size budget.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkBudgetBytes, sdkSize, sdkSizeLine } from '../../scripts/sdk-package.mjs';
import {
  buildInto,
  cachedTarball,
  installOffline,
  pack,
  readmeInstallCommand,
  run,
  startHubProcess,
  type HubProcess,
} from '../support/pack';

const root = process.cwd();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let packed: ReturnType<typeof pack>;
let project: string;
let hub: HubProcess;

beforeAll(async () => {
  // The build stages the package as client/ does (its package.json, README, LICENSE, and dist/).
  const out = join(mkdtempSync(join(tmpdir(), 'relay-hub-build-')), 'dist');
  buildInto(out, ['cli', 'client']);
  packed = pack(join(out, 'relay-hub-client'));
  console.log(`relay-hub-client tarball: ${packed.files.length} files, ${packed.size} bytes`);
  // The README's `npm install relay-hub-client`, offline: the name becomes the packed tarball.
  const [, install, name] = readmeInstallCommand('npm install');
  expect([install, name]).toEqual(['install', 'relay-hub-client']);
  const types = ['@types/ws', '@types/node', 'undici-types'].map((name) => cachedTarball(name));
  project = installOffline([packed.tarball, cachedTarball('ws'), ...types]);
  hub = await startHubProcess(
    process.execPath,
    [join(out, 'cli/relay-hub.cjs'), '--host', '127.0.0.1', '--port', '0'],
    root,
    {
      RELAY_HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-hub-sdk-package-')),
      NODE_PATH: join(root, 'node_modules'),
    },
  );
}, 120_000);
afterAll(async () => {
  await hub?.stop();
});

/** A device program: connects, waits for its own message back (echo), prints what it got. */
const program = (load: string, text: string): string => `${load}
const device = connect({ hub: process.argv[2], userId: 5, topics: ['cats'], WebSocket });
const got = new Promise((resolve) => device.on('message', resolve));
device.publish('cats', ${JSON.stringify(text)}, { echo: true }).then(async ({ delivered }) => {
  const { topic, message } = await got;
  console.log(JSON.stringify({ delivered, topic, message, state: device.state }));
  device.close();
});
`;

describe('relay-hub-client, packed and installed offline', () => {
  it('ships its builds, types, README and LICENSE, and no source or test', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/index.mjs',
        'dist/index.cjs',
        'dist/types/client/index.d.ts',
      ]),
    );
    expect(packed.files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(packed.files.filter((file) => /test|\.map$/.test(file))).toEqual([]);
  });

  it('has no dependency: ws (Node) and bonjour-service (discover) are optional peers', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/relay-hub-client/package.json'), 'utf8')) as {
      name: string;
      dependencies?: object;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(manifest.name).toBe('relay-hub-client');
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta).toEqual({ ws: { optional: true }, 'bonjour-service': { optional: true } });
  });

  it('works from an ES module: connects, publishes and receives', () => {
    writeFileSync(
      join(project, 'device.mjs'),
      program("import WebSocket from 'ws';\nimport { connect } from 'relay-hub-client';", 'from esm'),
    );
    const out = run(process.execPath, ['device.mjs', `http://127.0.0.1:${hub.port}`], project);
    expect(JSON.parse(out)).toEqual({ delivered: 1, topic: 'cats', message: 'from esm', state: 'open' });
  });

  it('works from CommonJS: connects, publishes and receives', () => {
    writeFileSync(
      join(project, 'device.cjs'),
      program("const WebSocket = require('ws');\nconst { connect } = require('relay-hub-client');", 'from cjs'),
    );
    const out = run(process.execPath, ['device.cjs', `http://127.0.0.1:${hub.port}`], project);
    expect(JSON.parse(out)).toEqual({ delivered: 1, topic: 'cats', message: 'from cjs', state: 'open' });
  });

  it('type-checks with tsc --noEmit (strict, nodenext), catches a wrong option, and the program runs', () => {
    const typed = `import WebSocket from 'ws';
import { connect, RelayError, type DeviceMessage, type RelayClient } from 'relay-hub-client';

const device: RelayClient = connect({ hub: process.argv[2] ?? '', userId: 5, topics: ['cats'], WebSocket, timeoutMs: 5000 });
export function wrong(): void {
  // @ts-expect-error userId is a number
  connect({ hub: 'http://x', userId: 'five', WebSocket });
}
const got = new Promise<DeviceMessage>((resolve) => device.on('message', resolve));
const receipt = await device.publish('cats', 'from ts', { echo: true });
const message: DeviceMessage = await got;
const delivered: number = receipt.delivered;
console.log(JSON.stringify({ delivered, topic: message.topic, message: message.message, error: new RelayError('x', 'y').code }));
device.close();
`;
    writeFileSync(join(project, 'device.mts'), typed);
    // A CommonJS consumer resolves the package's \`require\` condition: the same types.
    const commonJs =
      "import { connect, type RelayClient } from 'relay-hub-client';\nexport const make = (hub: string): RelayClient => connect({ hub, userId: 1 });\n";
    writeFileSync(join(project, 'device-cjs.cts'), commonJs);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', types: ['node'] },
        files: ['device.mts', 'device-cjs.cts'],
      }),
    );
    run(process.execPath, [tsc, '--noEmit', '-p', '.'], project);
    // Then the same program, type-stripped, runs against the hub.
    const js = ts.transpileModule(typed, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(project, 'device-ts.mjs'), js.outputText);
    const out = run(process.execPath, ['device-ts.mjs', `http://127.0.0.1:${hub.port}`], project);
    expect(JSON.parse(out)).toEqual({ delivered: 1, topic: 'cats', message: 'from ts', error: 'x' });
  }, 90_000);

  it('is the very build the hub serves at /sdk/relay-hub-client.mjs', async () => {
    const served = Buffer.from(
      await (await fetch(`http://127.0.0.1:${hub.port}/sdk/relay-hub-client.mjs`)).arrayBuffer(),
    );
    const installed = readFileSync(join(project, 'node_modules/relay-hub-client/dist/index.mjs'));
    expect(served.length).toBeGreaterThan(1000);
    expect(served.equals(installed)).toBe(true);
  });
});

describe('the SDK’s size', () => {
  it(`stays within ${sdkBudgetBytes / 1024} KiB minified + gzipped`, async () => {
    const size = await sdkSize(root);
    console.log(sdkSizeLine(size));
    expect(size.gzipped).toBeLessThanOrEqual(sdkBudgetBytes);
    expect(sdkSizeLine({ minified: 40_000, gzipped: sdkBudgetBytes + 1 })).toContain('OVER');
  });
});
