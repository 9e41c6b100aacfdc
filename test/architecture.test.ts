/**
 * The rooms (docs/architecture.md) hold: no import cycle anywhere, type-only imports included,
 * and ESLint refuses every import across a room's walls. Each rule is proved on a deliberately
 * bad import: a fixture cycle on disk (test/fixtures/lint/, which the normal lint run ignores)
 * and bad imports linted as if they sat in each room.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from './support/imports';

const root = process.cwd();

describe('imports', () => {
  it('form no cycle anywhere in the project, type-only imports included', () => {
    const graph = importGraph(root, [
      'shared',
      'electron',
      'renderer',
      'client',
      'phone',
      'e2e',
      'test',
      'scripts',
      'bench',
    ]);
    for (const file of [...graph.keys()]) if (file.startsWith('test/fixtures/')) graph.delete(file);
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('electron/relay/index.ts')).toContain('electron/relay/core/hub.ts');
    expect(findCycles(graph)).toEqual([]);
  });

  it('finds the deliberate cycles of the fixtures, runtime and type-only', () => {
    const cycles = findCycles(importGraph(root, ['test/fixtures/lint']));
    expect(cycles).toEqual([
      ['test/fixtures/lint/cycle-a.ts', 'test/fixtures/lint/cycle-b.ts', 'test/fixtures/lint/cycle-a.ts'],
      [
        'test/fixtures/lint/type-cycle-a.ts',
        'test/fixtures/lint/type-cycle-b.ts',
        'test/fixtures/lint/type-cycle-a.ts',
      ],
    ]);
  });
});

/** The lint rules that guard imports. */
const importRules = ['no-restricted-imports', 'import-x/no-restricted-paths', 'import-x/no-cycle'];

describe('lint', () => {
  // The project's own config; type information is off because the linted files exist only here.
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
  });
  /** The import rules a file at `filePath` breaks with `code`. */
  const broken = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => importRules.includes(m.ruleId ?? '')).map((m) => m.ruleId ?? '');
  };

  it('refuses an import cycle', async () => {
    const linter = new ESLint({ cwd: root, ignore: false });
    const results = await linter.lintFiles(['test/fixtures/lint/cycle-a.ts', 'test/fixtures/lint/cycle-b.ts']);
    const rules = results.flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(rules).toEqual(['import-x/no-cycle', 'import-x/no-cycle']);
  }, 60_000);

  // [file the import is written in, import, why it is refused]
  const refused: [string, string, string][] = [
    ['electron/relay/core/bad.ts', '../server/http', 'core imports no other room'],
    ['electron/relay/core/bad.ts', '../index', 'core does not import the relay door'],
    ['electron/relay/core/bad.ts', 'electron', 'the relay never imports electron'],
    ['electron/relay/server/bad.ts', '../index', 'server imports core only'],
    ['electron/relay/server/bad.ts', '../../host/index', 'server imports core only'],
    ['electron/relay/index.ts', '../host/index', 'the relay door joins core and server, nothing above'],
    ['electron/host/bad.ts', '../relay/core/hub', 'host reaches the relay through its index.ts only'],
    ['electron/host/bad.ts', '../cli/index', 'host does not import the CLI'],
    ['electron/cli/bad.ts', '../relay/server/net', 'cli uses the relay door only'],
    ['electron/main/bad.ts', '../relay/core/options', 'main uses the relay door only'],
    ['electron/main/bad.ts', '../../renderer/main', 'main talks to the renderer over IPC'],
    ['shared/bad.ts', 'node:fs', 'shared is pure'],
    ['shared/bad.ts', '../electron/relay/index', 'shared imports shared only'],
    ['electron/relay/core/bad.ts', '../../../test/support/relay', 'shipped code never imports test machinery'],
    ['electron/host/bad.ts', '../../test/support/relay', 'shipped code never imports test machinery'],
    ['renderer/bad.ts', '../test/renderer/store', 'shipped code never imports test machinery'],
    ['renderer/bad.ts', '../electron/relay/index', 'the renderer imports shared only'],
    ['electron/relay/core/history/bad.ts', '../../server/http', 'a subfolder of core is core too'],
    ['electron/relay/core/history/bad.ts', '../clients/fanout', 'the history imports nothing else of core'],
    ['electron/relay/core/storage/bad.ts', '../access/keys', 'the storage imports nothing else of core'],
    ['electron/relay/core/access/bad.ts', '../clients/registry', 'access keeps to its keys and their storage'],
    ['electron/relay/core/clients/bad.ts', '../hub', 'the clients room never reaches up to the hub'],
    ['renderer/bad.ts', '../client/client', 'the renderer takes only the backoff from the SDK'],
    ['electron/host/bad.ts', '../cli/args', 'host does not reach into the CLI'],
    ['electron/main/bad.ts', '../host/host', 'main uses the host door only'],
    ['e2e/bad.ts', '../electron/relay/index', 'e2e drives the app from outside'],
    ['e2e/bad.ts', '../test/support/relay', 'e2e shares only the test machinery made for both'],
    ['e2e/bad.ts', '../test/integration/api.integration.test', 'e2e shares only the test machinery made for both'],
    ['client/bad.ts', 'node:net', 'the SDK runs in browsers'],
    ['client/bad.ts', 'ws', 'the SDK gets its WebSocket injected'],
    ['client/bad.ts', '../electron/relay/index', 'the SDK imports shared only'],
    ['client/bad.ts', '../test/support/relay', 'shipped code never imports test machinery'],
    ['phone/bad.ts', '../electron/relay/index', 'the phone page talks to the hub over HTTP only'],
    ['phone/bad.ts', '../renderer/main', 'the phone page is not the operator GUI'],
    ['phone/bad.ts', 'react', 'the phone page is plain DOM'],
    ['phone/bad.ts', 'node:fs', 'the phone page runs in a phone browser'],
    ['electron/relay/core/bad.ts', '../cluster/index', 'core imports no other room, not the cluster either'],
    ['electron/relay/server/bad.ts', '../cluster/index', 'server never knows whether a cluster runs'],
    ['electron/relay/cluster/bad.ts', '../server/http', 'the cluster imports core only'],
    ['electron/relay/cluster/bad.ts', '../index', 'the cluster does not import the relay door'],
    ['electron/relay/index.ts', './cluster/engine', 'the relay door uses the cluster through its door only'],
    ['electron/host/bad.ts', '../relay/cluster/index', 'host reaches the relay through its index.ts only'],
    ['electron/relay/core/bad.ts', 'ioredis', 'only the cluster talks to Redis'],
    ['electron/relay/server/bad.ts', 'ioredis', 'only the cluster talks to Redis'],
    ['electron/relay/cluster/bad.ts', 'electron', 'the cluster runs in plain Node'],
    ['electron/relay/doors/webhooks/bad.ts', '../stream/index', 'a door never imports another door'],
    ['electron/relay/doors/webhooks/bad.ts', '../stream/stream', 'a door never imports another door'],
    ['electron/relay/doors/stream/bad.ts', '../../server/auth', 'a door imports core only, not the server'],
    ['electron/relay/doors/webhooks/bad.ts', '../../index', 'a door does not import the relay door'],
    ['electron/relay/core/bad.ts', '../doors/stream/index', 'core imports no door'],
    ['electron/relay/server/bad.ts', '../doors/stream/index', 'the server knows doors by the core interface only'],
    ['electron/relay/index.ts', './doors/stream/stream', 'the relay door uses a door through its index.ts only'],
    ['electron/relay/core/bad.ts', '../doors/mqtt/door', 'core knows one subscriber interface, no door'],
    ['electron/relay/server/bad.ts', '../doors/mqtt/index', 'the network edge does not import a door'],
    ['electron/relay/doors/mqtt/bad.ts', '../../index', 'a door does not import the relay door'],
    ['electron/relay/doors/mqtt/bad.ts', '../../cluster/index', 'a door never knows whether a cluster runs'],
    ['electron/relay/index.ts', './doors/mqtt/door', 'the relay door uses a door through its index.ts only'],
    ['electron/host/bad.ts', '../relay/doors/mqtt/index', 'host reaches the relay through its index.ts only'],
  ];
  it.each(refused)('refuses in %s: import from %j (%s)', async (file, from) => {
    const rules = await broken(file, `import * as x from '${from}';\nexport const y = x;\n`);
    expect(rules.filter((rule) => rule !== 'import-x/no-cycle')).not.toEqual([]);
  });

  const allowed: [string, string][] = [
    ['electron/relay/core/ok.ts', '../../../shared/api'],
    ['electron/relay/core/ok.ts', './clients/registry'],
    ['electron/relay/core/clients/ok.ts', '../history/types'],
    ['electron/relay/core/clients/ok.ts', '../options'],
    ['electron/relay/core/access/ok.ts', '../storage/store'],
    ['e2e/ok.ts', '../test/support/redis'],
    ['electron/relay/server/ok.ts', '../core/hub'],
    ['electron/relay/index.ts', './server/server'],
    ['electron/host/ok.ts', '../relay/index'],
    ['electron/cli/ok.ts', '../host/index'],
    ['electron/main/ok.ts', '../cli/index'],
    ['client/ok.ts', '../shared/protocol'],
    ['phone/ok.ts', '../client/index'],
    ['renderer/transport/ok.ts', '../../client/backoff'],
    ['phone/ok.ts', '../shared/keys'],
    ['electron/relay/core/history/ok.ts', '../../../../shared/api'],
    ['electron/relay/core/history/ok.ts', './types'],
    ['electron/main/ok.ts', '../host/index'],
    ['electron/relay/core/ok.test.ts', '../../../test/support/relay'],
    ['electron/relay/cluster/ok.ts', '../core/history/memory'],
    ['electron/relay/cluster/ok.ts', 'ioredis'],
    ['electron/relay/index.ts', './cluster/index'],
    ['electron/relay/index.ts', './doors/stream/index'],
    ['electron/relay/doors/stream/ok.ts', '../../core/hub'],
    ['electron/relay/doors/webhooks/ok.ts', '../../../../shared/api'],
    ['electron/relay/index.ts', './doors/mqtt/index'],
    ['electron/relay/doors/mqtt/ok.ts', '../../core/hub'],
    ['electron/relay/doors/mqtt/ok.ts', '../../server/tls'],
    ['electron/relay/doors/mqtt/ok.ts', '../../../../shared/topic-filter'],
  ];
  it.each(allowed)('allows in %s: import from %j', async (file, from) => {
    expect(await broken(file, `import * as x from '${from}';\nexport const y = x;\n`)).toEqual([]);
  });
});
