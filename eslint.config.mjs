// One lint setup for every bundle: TypeScript-aware rules plus the layering rules of ARCHITECTURE.md
// (test/unit/lint.test.ts proves each one fires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    // The tree's nodes and model are view state without VS Code, so they run in integration tests.
    files: [
      'src/base/**/*.ts',
      'src/lma/**/*.ts',
      'src/org/**/*.ts',
      'src/protocol/**/*.ts',
      'src/views/nodes.ts',
      'src/views/*Model.ts',
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
