// One lint setup for every bundle: TypeScript-aware rules plus the layering rules of ARCHITECTURE.md
// (test/unit/lint.test.ts proves each one fires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import imports from './scripts/lintImports.mjs';

const layers = {
  vscode: {
    paths: [
      {
        name: 'vscode',
        message: 'Domain, session, tree model, server and local-org code must not depend on VS Code.',
      },
    ],
  },
  salesforce: {
    patterns: [
      {
        regex: '^(@salesforce/|@jsforce/|jsforce$)',
        message:
          'Only src/org/salesforce.ts imports the Salesforce libraries (its own bundle, loaded on first connect).',
      },
    ],
  },
  files: {
    patterns: [
      {
        regex: '^(node:)?fs(/|$)',
        message:
          'The domain reads and writes no files: file I/O is an adapter (src/files/), which hands the domain a stream.',
      },
    ],
  },
  src: {
    patterns: [
      {
        regex: '(^|/)src(/|$)',
        message:
          'The local org is a Salesforce of its own and imports nothing from src/: state the fact in localOrg/.',
      },
    ],
  },
};

// Who may import whom in the project's own code, by resolved path (scripts/lintImports.mjs): each file
// takes the most specific entry; a folder ends in `/`. The direction of ARCHITECTURE.md's Layers:
// base ← org ← lma ← protocol, state ← views, webviews, language, files, cli ← commands ← services.ts
// ← extension.ts; commands, panels and the language client take the `Services` type only (import type).
const below = (...parts) => parts.map((part) => (part.endsWith('.ts') ? `src/${part}` : `src/${part}/`));
const direction = [
  {
    files: 'src/base/',
    may: below('base'),
    why: 'src/base is what every layer may use: it imports nothing.',
  },
  { files: 'src/ids.ts', may: [], why: 'the ids are a table every layer may use: it imports nothing.' },
  {
    files: 'src/org/',
    may: [...below('base', 'org'), 'localOrg/'],
    why: 'the session lies below the domain.',
  },
  {
    files: 'src/lma/',
    may: below('base', 'org', 'lma', 'ids.ts'),
    why: 'the domain knows no UI, panel or protocol.',
  },
  {
    files: 'src/protocol/',
    may: below('base', 'lma', 'protocol'),
    why: 'the protocols lie below both of their sides.',
  },
  {
    files: 'src/state/',
    may: below('base', 'org', 'lma', 'state', 'ids.ts'),
    why: 'saved state lies below the views, commands and panels that use it.',
  },
  {
    files: 'src/views/',
    may: below('base', 'org', 'lma', 'protocol', 'state', 'views', 'ids.ts'),
    why: 'the views are built by services.ts and used by commands.',
  },
  {
    files: 'src/webviews/',
    may: [
      ...below('base', 'org', 'lma', 'protocol', 'state', 'webviews', 'ids.ts'),
      // Until the license save is a use case of src/lma/workflows (issue 20's command pipeline).
      'src/commands/licenseSave.ts',
    ],
    mayType: below('services.ts'),
    why: 'panels are opened by commands and take `Pick<Services, …>` (import type).',
  },
  {
    files: 'src/language/',
    may: below('base', 'org', 'lma', 'protocol', 'state', 'language', 'ids.ts'),
    mayType: below('services.ts'),
    why: 'the language client is started by extension.ts and takes `Services` (import type).',
  },
  {
    files: 'src/files/',
    may: below('base', 'org', 'lma', 'files', 'ids.ts'),
    why: 'the file adapters serve the commands and the command line, without VS Code.',
  },
  {
    files: 'src/cli/',
    may: below('base', 'org', 'lma', 'protocol', 'files', 'cli', 'ids.ts'),
    why: 'the command line runs without VS Code, so none of its state, views or commands.',
  },
  {
    files: 'src/commands/',
    may: below('base', 'org', 'lma', 'protocol', 'state', 'views', 'webviews', 'files', 'commands', 'ids.ts'),
    mayType: below('services.ts'),
    why: 'commands are registered by extension.ts and take `Services` (import type).',
  },
  {
    files: 'src/services.ts',
    may: below(
      'base',
      'org',
      'lma',
      'protocol',
      'state',
      'views',
      'webviews',
      'language',
      'files',
      'commands',
      'ids.ts',
    ),
    why: 'services.ts builds the services of every adapter; only extension.ts imports it.',
  },
  { files: 'src/extension.ts', may: ['src/'], why: 'activate() may wire anything.' },
  {
    files: 'server/',
    may: ['server/', ...below('base', 'lma', 'protocol')],
    why: 'the language server shares only the domain and its protocol with the extension.',
  },
  {
    files: 'webviews/',
    may: ['webviews/', ...below('base', 'lma', 'protocol')],
    why: `a webview's browser code shares only the domain and its protocol with the extension.`,
  },
];

/** One no-restricted-imports rule with the given layers' restrictions (a later match replaces an earlier one). */
function restrict(...names) {
  const chosen = names.map((name) => layers[name]);
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: chosen.flatMap((layer) => layer.paths ?? []),
        patterns: chosen.flatMap((layer) => layer.patterns ?? []),
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'localOrg/dist/', '.cache/', 'test-results/', '.vscode-test/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The project's own code: no import circle, and each part imports only the parts below it.
    files: ['src/**/*.ts', 'server/**/*.ts', 'webviews/**/*.ts', 'localOrg/**/*.ts'],
    plugins: { layers: imports },
    rules: {
      'layers/no-cycle': 'error',
      'layers/direction': [
        'error',
        direction,
        { parts: ['src/', 'server/', 'webviews/', 'localOrg/'], packages: { 'lma-local-org': 'localOrg/' } },
      ],
    },
  },
  {
    // Plain CommonJS entry points that load the bundles.
    files: ['bin/**/*.js', 'localOrg/bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webviews/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Everything the extension and the local org ship, but the one module that wraps the libraries.
    files: ['src/**/*.ts', 'server/**/*.ts', 'webviews/**/*.ts', 'localOrg/**/*.ts'],
    rules: restrict('salesforce'),
  },
  {
    // The tree's nodes and model are view state without VS Code, so they run in integration tests; the
    // command line runs without VS Code.
    files: [
      'src/base/**/*.ts',
      'src/cli/**/*.ts',
      'src/lma/**/*.ts',
      'src/org/**/*.ts',
      'src/protocol/**/*.ts',
      'src/views/nodes.ts',
      'src/views/featureParameterNodes.ts',
      'src/views/*Model.ts',
      'src/commands/pipeline.ts',
      'src/state/*Model.ts',
      'src/webviews/host/webviewHost.ts',
      'src/webviews/featureParameterSection.ts',
      'src/webviews/pushUpgradeFlow.ts',
      'src/webviews/customerUsageSection.ts',
      'src/files/usageExportFile.ts',
      'src/files/pushFailuresFile.ts',
      'src/files/orgIdFile.ts',
      'server/**/*.ts',
    ],
    rules: restrict('vscode', 'salesforce'),
  },
  {
    // The domain does no file I/O (the export's file writer is src/files/licenseExportFile.ts).
    files: ['src/lma/**/*.ts'],
    rules: restrict('vscode', 'salesforce', 'files'),
  },
  {
    files: ['localOrg/**/*.ts'],
    rules: restrict('vscode', 'salesforce', 'src'),
  },
  {
    // The local org's own tests drive it with the clients ISVs use (jsforce), and still import nothing from src/.
    files: ['localOrg/test/**/*.ts'],
    rules: restrict('vscode', 'src'),
  },
  {
    files: ['src/org/salesforce.ts'],
    rules: restrict('vscode'),
  },
);
