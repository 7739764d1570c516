// One lint setup for every bundle: TypeScript-aware rules plus the layering rule
// that keeps the domain (src/lma) and the session (src/org) free of `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'test-results/', '.vscode-test/'] },
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
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webviews/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The tree's nodes and model are view state without VS Code, so they run in integration tests.
    files: [
      'src/lma/**/*.ts',
      'src/org/**/*.ts',
      'src/views/nodes.ts',
      'src/views/*Model.ts',
      'localOrg/**/*.ts',
      'server/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'Domain, session, tree model, server and local-org code must not depend on VS Code.',
            },
          ],
        },
      ],
    },
  },
);
