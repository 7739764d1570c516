// Builds the extension-host test suite into dist/test/host/suite/ (CommonJS, as the extension host
// `require`s it). `vscode` is provided by the extension host; mocha stays external so that its
// reporters load from node_modules as usual.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
export const outDir = path.join(root, 'dist', 'test', 'host', 'suite');

export async function buildHostTests() {
  const suiteDir = path.join(root, 'test', 'host', 'suite');
  const entryPoints = fs
    .readdirSync(suiteDir)
    .filter((file) => file === 'index.ts' || file.endsWith('.test.ts'))
    .map((file) => path.join(suiteDir, file));
  fs.rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    // As scripts/build.mjs: jsonc-parser's UMD "main" has a dynamic require no bundler can follow.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    logLevel: 'warning',
  });
  return outDir;
}

// Run as a script (`node test/host/build.mjs`). No top-level await: tsx compiles this file to CommonJS
// when runInCodeServer.ts imports it.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  buildHostTests().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
