// Lint that enforces the layers (see README "Architecture") as well as code quality.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** UI libraries: only the renderer may use them. */
const ui = ['react', 'react-dom', 'react-dom/*', 'zustand'];
/** Test machinery (`test/`): shipped code never imports it. */
const testMachinery = {
  group: ['**/test/**', '**/test'],
  message: 'Test machinery (test/) never ships: only tests import it.',
};

/**
 * What each folder may import (README "Architecture"; ../shared/ARCHITECTURE.md). Relative imports
 * are checked with a regex on the import path: a room reaches the rooms below it through their
 * `index.ts` doors only. The globs are disjoint, because a later rule for the same file replaces
 * an earlier one.
 */
const roomRules = [
  {
    files: ['shared/**/*.ts'],
    paths: [{ name: 'electron', message: 'shared/ is pure: no Electron.' }],
    patterns: [
      { group: ['node:*', 'ws', ...ui], message: 'shared/ is pure: no Node, DOM or UI.' },
      { regex: '^\\.\\./', message: 'shared/ imports only shared/.' },
    ],
  },
  {
    files: ['electron/relay/core/**/*.ts'],
    paths: [{ name: 'electron', message: 'The relay runs in plain Node: never import electron.' }],
    patterns: [
      { group: ui, message: 'The relay has no UI.' },
      {
        regex: '^\\.\\./(?!\\.\\./\\.\\./shared/)',
        message: 'relay/core/ is the bottom room: it imports shared/ and itself, nothing else.',
      },
    ],
  },
  {
    files: ['electron/relay/server/**/*.ts'],
    paths: [{ name: 'electron', message: 'The relay runs in plain Node: never import electron.' }],
    patterns: [
      { group: ui, message: 'The relay has no UI.' },
      {
        regex: '^\\.\\./(?!core/|\\.\\./\\.\\./shared/)',
        message: 'relay/server/ imports relay/core/, shared/ and itself only.',
      },
    ],
  },
  {
    files: ['electron/relay/index.ts'],
    paths: [{ name: 'electron', message: 'The relay runs in plain Node: never import electron.' }],
    patterns: [
      { group: ui, message: 'The relay has no UI.' },
      { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'relay/index.ts joins core/ and server/: nothing above them.' },
    ],
  },
  {
    files: ['electron/host/**/*.ts'],
    paths: [{ name: 'electron', message: 'The host runs in plain Node (the headless hub uses it too).' }],
    patterns: [
      { group: ui, message: 'The host has no UI.' },
      {
        regex: '^\\.\\./(?!relay/index$|\\.\\./shared/)',
        message: 'host/ reaches the relay through electron/relay/index.ts only, and nothing above it.',
      },
    ],
  },
  {
    files: ['electron/cli/**/*.ts'],
    paths: [{ name: 'electron', message: 'The CLI runs in plain Node.' }],
    patterns: [
      { group: ui, message: 'The CLI has no UI.' },
      {
        regex: '^\\.\\./(?!(host|relay)/index$|\\.\\./shared/)',
        message: 'cli/ uses electron/host/index.ts and electron/relay/index.ts only.',
      },
    ],
  },
  {
    files: ['electron/main/**/*.ts'],
    paths: [],
    patterns: [
      { group: ui, message: 'No UI in the main process.' },
      {
        regex: '^\\.\\./(?!(host|cli|relay)/index$|\\.\\./shared/)',
        message:
          'main/ uses the host, cli and relay doors (their index.ts) and shared/; the renderer and preload over IPC only.',
      },
    ],
  },
  {
    files: ['electron/preload/**/*.ts'],
    paths: [],
    patterns: [
      { group: ['node:*', 'ws', ...ui], message: 'The sandboxed preload has no Node.' },
      { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'The preload imports shared/ only.' },
    ],
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    paths: [{ name: 'electron', message: 'The renderer reaches main through its transport only.' }],
    patterns: [
      { group: ['node:*', 'ws'], message: 'The renderer runs in a browser page.' },
      { group: ['**/electron/**', '**/client/**'], message: 'The renderer imports shared/ only.' },
      testMachinery,
    ],
  },
  {
    files: ['e2e/**/*.ts'],
    paths: [],
    patterns: [
      {
        group: ['**/electron/**', '**/renderer/**', '**/client/**', '**/test/**'],
        message: 'e2e tests drive the app from outside.',
      },
    ],
  },
];

/** Test files may reach what they test and the test machinery (the room rules apply to shipped code). */
const testFiles = ['**/*.test.ts', '**/*.test.tsx'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
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
  ...roomRules.map(({ files, paths, patterns }) => ({
    files,
    ignores: testFiles,
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  })),
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
