// Lint that enforces the layers (see README "Architecture") as well as code quality.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** Import bans per layer: what a folder may never reach. */
const layerRules = [
  {
    files: ['shared/**/*.ts'],
    paths: [{ name: 'electron', message: 'shared/ is pure: no Electron.' }],
    patterns: [
      { group: ['node:*', 'ws', 'react', 'react-dom', 'zustand'], message: 'shared/ is pure: no Node, DOM or UI.' },
      { group: ['../electron/*', '../renderer/*', '../e2e/*'], message: 'shared/ imports only shared/.' },
    ],
  },
  {
    files: ['electron/relay/**/*.ts'],
    paths: [{ name: 'electron', message: 'electron/relay/ runs in plain Node: never import electron.' }],
    patterns: [
      { group: ['react', 'react-dom', 'zustand'], message: 'The relay has no UI.' },
      { group: ['**/main/*', '**/preload/*', '**/renderer/*'], message: 'The relay imports only shared/.' },
    ],
  },
  {
    files: ['electron/main/**/*.ts'],
    paths: [],
    patterns: [
      { group: ['react', 'react-dom', 'zustand'], message: 'No UI in the main process.' },
      { group: ['**/relay/*', '!**/relay/index'], message: 'Use electron/relay/index.ts, the relay’s only door.' },
      { group: ['**/renderer/*', '**/preload/*'], message: 'Main talks to them over IPC only.' },
    ],
  },
  {
    files: ['electron/preload/**/*.ts'],
    paths: [],
    patterns: [
      { group: ['node:*', 'ws'], message: 'The sandboxed preload has no Node.' },
      { group: ['**/relay/*', '**/main/*', '**/renderer/*'], message: 'The preload imports shared/ only.' },
    ],
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    paths: [{ name: 'electron', message: 'The renderer reaches main through its transport only.' }],
    patterns: [
      { group: ['node:*', 'ws'], message: 'The renderer runs in a browser page.' },
      { group: ['**/electron/*'], message: 'The renderer imports shared/ only.' },
    ],
  },
  {
    files: ['e2e/**/*.ts'],
    paths: [],
    patterns: [{ group: ['**/electron/*', '**/renderer/*'], message: 'e2e tests drive the app from outside.' }],
  },
];

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
  ...layerRules.map(({ files, paths, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  })),
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
);
