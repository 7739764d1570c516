// `npm run test:desktop`: the extension-host suite (test/host/suite) in desktop VS Code, downloaded by
// @vscode/test-electron into .vscode-test/. Here (no download possible) `npm run test:host` runs the same
// suite in code-server's extension host instead.
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';
import { buildHostTests } from './test/host/build.mjs';

if (!fs.existsSync('dist/extension.js'))
  throw new Error('dist/extension.js not found: run `npm run build` first.');
// The suite is built here so that `vscode-test` alone is enough after `npm run build`.
await buildHostTests();

export default defineConfig({
  label: 'extension host',
  files: 'dist/test/host/suite/*.test.js',
  extensionDevelopmentPath: import.meta.dirname,
  // LMA_VSCODE_VERSION=1.106.0 tries the oldest VS Code that engines.vscode allows.
  version: process.env.LMA_VSCODE_VERSION ?? 'stable',
  // Other installed extensions stay out of the way; the one under development still loads.
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 30_000 },
});
