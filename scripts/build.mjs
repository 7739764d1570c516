// Builds every bundle with esbuild. One file per runtime, so that each loads only what it needs:
//   dist/extension.js   extension host entry (activation path: no Salesforce libraries)
//   dist/salesforce.js  @salesforce/core + jsforce, required on first connection
//   dist/cli.js         the headless `lma-explorer` command (bin/lma-explorer.js)
//   dist/languageClient.js  vscode-languageclient, required when an sfdx-project.json is first opened
//   dist/server.js      the sfdx-project.json language server (its own process)
//   dist/localOrg.js    the local org (the lma-local-org workspace), required when the user picks "Use the local org"
//   localOrg/dist/cli.js the local org's command line (its bin, localOrg/bin/lma-local-org.js; the
//                       workspace's own `npm run build` makes the same file)
//   dist/webviews/*.js  browser code of the webview forms
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Sibling bundles are loaded at run time with require('./x.js'), never inlined.
  external: ['vscode', './salesforce.js', './localOrg.js', './languageClient.js'],
  // jsonc-parser's "main" is a UMD build whose dynamic require('./impl/format') no bundler can follow.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: {
    // @salesforce/core writes log files through a pino worker transport unless told not to;
    // inside VS Code that worker can't resolve its bundled target, and we log to our own channel.
    'process.env.SF_DISABLE_LOG_FILE': '"true"',
  },
};

const webviewEntries = existsSync('webviews')
  ? readdirSync('webviews', { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(`webviews/${entry.name}/main.ts`))
      .map((entry) => ({ in: `webviews/${entry.name}/main.ts`, out: entry.name }))
  : [];

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { salesforce: 'src/org/salesforce.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { languageClient: 'src/language/languageClient.ts' }, outdir: 'dist' },
  ...(existsSync('localOrg/index.ts')
    ? [{ ...node, entryPoints: { localOrg: 'lma-local-org' }, outdir: 'dist' }]
    : []),
  ...(existsSync('localOrg/cli.ts')
    ? [{ ...node, entryPoints: { cli: 'localOrg/cli.ts' }, outdir: 'localOrg/dist' }]
    : []),
  ...(existsSync('server/server.ts')
    ? [{ ...node, entryPoints: { server: 'server/server.ts' }, outdir: 'dist' }]
    : []),
  ...(webviewEntries.length
    ? [
        {
          bundle: true,
          platform: 'browser',
          format: 'esm',
          target: 'es2022',
          sourcemap: !production,
          minify: production,
          logLevel: 'warning',
          entryPoints: webviewEntries,
          outdir: 'dist/webviews',
        },
      ]
    : []),
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching');
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: ${builds.length} bundles in ${Date.now() - started} ms`);
  // A webview page runs in a browser: a Node global that reached its bundle (through an import of a
  // module that uses Buffer, say) stops the page before it draws anything, and nothing else says so.
  const nodeOnly = /\b(Buffer|require|process|__dirname|global)\b\s*[.(]/;
  for (const { out } of webviewEntries) {
    const code = readFileSync(`dist/webviews/${out}.js`, 'utf8');
    const found = nodeOnly.exec(code);
    if (found) {
      console.error(
        `dist/webviews/${out}.js uses Node's ${found[1]}, which a webview doesn't have: ` +
          `import what the page needs from a module without Node code (found: …${code.slice(Math.max(0, found.index - 60), found.index + 40)}…)`,
      );
      process.exit(1);
    }
  }
}
