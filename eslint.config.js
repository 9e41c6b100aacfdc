// Lint that enforces the layers (see README "Architecture") as well as code quality.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** UI libraries: only the renderer may use them. */
const ui = ['react', 'react-dom', 'react-dom/*', 'zustand'];

/**
 * Packages each folder may not use. The globs are disjoint, because a later rule for the same
 * file replaces an earlier one.
 */
const packageBans = [
  {
    files: ['shared/**/*.ts'],
    paths: [{ name: 'electron', message: 'shared/ is pure: no Electron.' }],
    patterns: [{ group: ['node:*', 'ws', ...ui], message: 'shared/ is pure: no Node, DOM or UI.' }],
  },
  {
    files: ['electron/relay/**/*.ts', 'electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    ignores: ['electron/relay/cluster/**'],
    paths: [{ name: 'electron', message: 'The relay, the host and the CLI run in plain Node: never import electron.' }],
    patterns: [
      { group: ui, message: 'No UI here.' },
      { group: ['ioredis', 'ioredis/*'], message: 'Only relay/cluster/ talks to Redis.' },
    ],
  },
  {
    files: ['electron/relay/cluster/**/*.ts'],
    paths: [{ name: 'electron', message: 'The relay runs in plain Node: never import electron.' }],
    patterns: [{ group: ui, message: 'No UI here.' }],
  },
  {
    files: ['electron/main/**/*.ts'],
    paths: [],
    patterns: [{ group: ui, message: 'No UI in the main process.' }],
  },
  {
    files: ['electron/preload/**/*.ts'],
    paths: [],
    patterns: [{ group: ['node:*', 'ws', ...ui], message: 'The sandboxed preload has no Node.' }],
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    paths: [{ name: 'electron', message: 'The renderer reaches main through its transport only.' }],
    patterns: [{ group: ['node:*', 'ws'], message: 'The renderer runs in a browser page.' }],
  },
  {
    files: ['phone/**/*.ts'],
    paths: [{ name: 'electron', message: 'The phone page runs in a phone browser.' }],
    patterns: [{ group: ['node:*', 'ws', ...ui], message: 'The phone page is plain DOM on the device SDK.' }],
  },
  {
    files: ['client/**/*.ts'],
    paths: [{ name: 'electron', message: 'The device SDK runs on devices.' }],
    patterns: [
      { group: ['node:*', 'ws', ...ui], message: 'The SDK runs in browsers too: WebSocket and fetch are injected.' },
    ],
  },
];

/**
 * The rooms' walls (README "Architecture"; ../shared/ARCHITECTURE.md), by resolved path: each
 * room imports only the rooms below it, through their `index.ts` doors; nothing shipped imports
 * the test machinery in test/.
 */
const everything = [
  './shared',
  './electron/relay/core',
  './electron/relay/server',
  './electron/relay/cluster',
  './electron/relay/doors/stream',
  './electron/relay/doors/webhooks',
  './electron/relay/doors/mqtt',
  './electron/relay/index.ts',
  './electron/host',
  './electron/cli',
  './electron/main',
  './electron/preload',
  './renderer',
  './client',
  './phone',
  './e2e',
  './test',
];
/** A zone: `target` may import only `allowed` (whole folders) and the `doors` (index.ts files). */
const wall = (target, allowed, doors = [], message) => ({
  target,
  from: everything.filter((room) => room !== target && !allowed.includes(room) && !doors.includes(room)),
  message,
});
const doorOf = (room) => ({ room, door: `${room}/index.ts` });
const roomZones = [
  wall('./shared', [], [], 'shared/ imports only shared/.'),
  wall(
    './electron/relay/core',
    ['./shared'],
    [],
    'relay/core/ is the bottom room: it imports shared/ and itself only.',
  ),
  wall(
    './electron/relay/server',
    ['./shared', './electron/relay/core'],
    [],
    'relay/server/ imports relay/core/ and shared/ only.',
  ),
  wall(
    './electron/relay/cluster',
    ['./shared', './electron/relay/core'],
    [],
    'relay/cluster/ imports relay/core/ and shared/ only (and ioredis).',
  ),
  wall(
    './electron/relay/doors/mqtt',
    ['./shared', './electron/relay/core', './electron/relay/server'],
    [],
    'relay/doors/mqtt/ is a door: it imports relay/core/, relay/server/ (the network edge) and shared/, never another door.',
  ),
  {
    target: './electron/relay/doors/mqtt',
    from: './electron/relay/doors',
    except: ['./mqtt'],
    message: 'A door imports no other door: what doors share lives in relay/core/.',
  },
  wall(
    './electron/host',
    ['./shared', './electron/relay/index.ts'],
    [],
    'host/ reaches the relay through electron/relay/index.ts only.',
  ),
  wall(
    './electron/relay/doors/stream',
    ['./shared', './electron/relay/core'],
    [],
    'A door (relay/doors/<name>/) imports relay/core/ and shared/ only: never another door, nor the server.',
  ),
  wall(
    './electron/relay/doors/webhooks',
    ['./shared', './electron/relay/core'],
    [],
    'A door (relay/doors/<name>/) imports relay/core/ and shared/ only: never another door, nor the server.',
  ),
  wall('./electron/preload', ['./shared'], [], 'The preload imports shared/ only.'),
  wall('./renderer', ['./shared'], ['./client'], 'The renderer imports shared/ only (and the SDK’s backoff).'),
  {
    target: './renderer',
    from: './client',
    except: ['./backoff.ts'],
    message: 'The renderer imports shared/ only, and from the device SDK its reconnect backoff (client/backoff.ts).',
  },
  wall('./client', ['./shared'], [], 'The device SDK imports shared/ only.'),
  wall('./phone', ['./shared', './client'], [], 'The phone page is built on the device SDK and shared/ only.'),
  wall('./e2e', ['./shared', './test'], [], 'e2e tests drive the app from outside: shared/ types at most.'),
  {
    target: './e2e',
    from: './test',
    except: ['./support/csv.ts', './support/redis.ts'],
    message: 'e2e tests share only the test machinery made for both (a CSV reader, a test Redis).',
  },
];
// The relay's door joins core/, server/ and the cluster (through its door); the CLI and main also use
// the host's and the CLI's doors, which sit inside folders that are walled off otherwise.
for (const [target, allowed, doors, message] of [
  [
    './electron/relay/index.ts',
    ['./shared', './electron/relay/core', './electron/relay/server'],
    [
      doorOf('./electron/relay/cluster'),
      doorOf('./electron/relay/doors/stream'),
      doorOf('./electron/relay/doors/webhooks'),
      doorOf('./electron/relay/doors/mqtt'),
    ],
    'relay/index.ts joins core/, server/, cluster/index.ts and the doors (their index.ts): nothing above them.',
  ],
  [
    './electron/cli',
    ['./shared', './electron/relay/index.ts'],
    [doorOf('./electron/host')],
    'cli/ uses electron/host/index.ts and electron/relay/index.ts only.',
  ],
  [
    './electron/main',
    ['./shared', './electron/relay/index.ts'],
    [doorOf('./electron/host'), doorOf('./electron/cli')],
    'main/ uses the host, cli and relay doors (their index.ts) and shared/; the renderer and preload over IPC only.',
  ],
]) {
  const zone = wall(
    target,
    allowed,
    doors.map((d) => d.room),
    message,
  );
  roomZones.push(zone);
  for (const { room, door } of doors) {
    roomZones.push({ target, from: room, except: [door.slice(room.length + 1)], message });
  }
}

// Inside relay/core/, the rooms by job (docs/architecture.md): history/ and storage/ stand alone,
// access/ keeps its keys in storage/, clients/ (registrations, connections, fan-out, the doors'
// subscribers) builds on those three and the core's options and log; hub.ts joins them all.
const core = './electron/relay/core';
for (const [room, allowed, message] of [
  ['history', [], 'core/history/ (the engines) imports nothing else of core.'],
  ['storage', [], 'core/storage/ (the files the hub owns) imports nothing else of core.'],
  ['access', ['./storage'], 'core/access/ imports core/storage/ only.'],
  [
    'clients',
    ['./history', './access', './storage', './options.ts', './log.ts', './errors.ts'],
    'core/clients/ builds on history/, access/, storage/ and the options and log; never on the hub above it.',
  ],
]) {
  roomZones.push({ target: `${core}/${room}`, from: core, except: [`./${room}`, ...allowed], message });
}

/** Test files may reach what they test and the test machinery (the rules apply to shipped code). */
const testFiles = ['**/*.test.ts', '**/*.test.tsx'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      // The device SDK's package folder gets a copy of its build (scripts/sdk-package.mjs).
      'client/dist/',
      'release/',
      '.tsbuild/',
      'test-results/',
      'playwright-report/',
      'e2e-results/',
      'bench/results/',
      // Mutation testing (npm run mutate): its report and its sandbox copies of the project.
      'reports/',
      '.stryker-tmp/',
      // Deliberately broken imports that test/integration/lint-rules.test.ts proves the rules refuse.
      'test/fixtures/lint/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  // ipcMain is used by exactly one file that wraps it (GitHub Desktop's rule).
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcMain']",
          message: 'Only electron/main/ipc.ts may use ipcMain.',
        },
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'No raw HTML in the renderer.',
        },
      ],
    },
  },
  // React hooks rules (incl. the React Compiler checks) as errors in the renderer.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: Object.fromEntries(Object.keys(reactHooks.configs.flat.recommended.rules).map((rule) => [rule, 'error'])),
  },
  ...packageBans.map(({ files, ignores = [], paths, patterns }) => ({
    files,
    ignores: [...testFiles, ...ignores],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  })),
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: testFiles,
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: roomZones }] },
  },
  // No import cycles anywhere (type-only imports included): one bad arrow makes every room depend on every other.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
);
