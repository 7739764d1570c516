// Benchmark of the sfdx-project.json language server (issue 7): the time from an edit (didChange) to
// its diagnostics (publishDiagnostics of that version), on a 500-line file, measured by an LSP client
// over stdio against the built dist/server.js, as VS Code sees it. With no org, and with the demo LMO
// of the local org answering lma/lmoPackages as the extension does.
// Run: npm run build && node --import tsx bench/languageServer.ts   (target: 50 ms)
import '../test/integration/isolatedHome.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startLocalOrg } from '../localOrg/index.ts';
import { LMO_PACKAGES, type LmoPackages } from '../server/protocol.ts';
import { answerLmoPackages } from '../src/language/lmoAnswer.ts';
import { checkLmaPresence } from '../src/lma/lmaPresence.ts';
import { loadPackages } from '../src/lma/packages.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';

const EDITS = 30;
/** Ten lines per package (a directory, an alias, three version aliases, five lines of terms): ~500 lines. */
const PACKAGES = 49;
const WARMUP = 5;
const serverModule = path.resolve(import.meta.dirname, '../dist/server.js');
const uri = 'file:///bench/sfdx-project.json';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

/** A 500-line project: package directories, package and version aliases, and terms for each package. */
function bigProject(ids: string[]): string {
  const packages = Array.from({ length: PACKAGES }, (_, i) => `Package ${String(i).padStart(2, '0')}`);
  const aliases = packages.flatMap((name, i) => [
    `    "${name}": "${ids[i % ids.length]}",`,
    ...[1, 2, 3].map(
      (v) => `    "${name}@1.${v}.0-1": "04t5W000000${String(i * 10 + v).padStart(4, '0')}AAA",`,
    ),
  ]);
  const terms = packages.map(
    (name, i) =>
      `        "${name}": {\n          "status": "${i % 2 ? 'Active' : 'Trial'}",\n          ${i % 2 ? '"activeDays": 365' : '"trialDays": 30'},\n          "seats": ${i + 1}\n        }${i === packages.length - 1 ? '' : ','}`,
  );
  const directories = packages.map(
    (name, i) =>
      `    { "path": "packages/p${i}", "package": "${name}", "versionNumber": "1.4.0.NEXT" }${i === packages.length - 1 ? '' : ','}`,
  );
  const text = [
    '{',
    '  "packageDirectories": [',
    ...directories,
    '  ],',
    '  "namespace": "",',
    '  "sourceApiVersion": "62.0",',
    '  "packageAliases": {',
    ...aliases,
    '    "Last": "0Ho000000000000AAA"',
    '  },',
    '  "plugins": {',
    '    "lma": {',
    '      "defaultLicensing": {',
    ...terms,
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  return text;
}

async function measure(lmo: () => Promise<LmoPackages>, ids: string[]) {
  const child = spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting = new Map<number, (diagnostics: number) => void>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    if (params.version !== undefined) waiting.get(params.version)?.(params.diagnostics.length);
  });
  let answered!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  connection.onRequest(LMO_PACKAGES, () => lmo().finally(answered));
  connection.listen();
  const started = performance.now();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  const startup = performance.now() - started;
  await connection.sendNotification('initialized', {});
  await firstAnswer;

  let document = TextDocument.create(uri, 'json', 1, bigProject(ids));
  const published = (version: number) => new Promise<number>((resolve) => waiting.set(version, resolve));
  const opened = published(1);
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'json', version: 1, text: document.getText() },
  });
  await opened;

  const times: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < WARMUP + EDITS; i++) {
    // Type into the seats of one entry: a valid count, then 0 (a diagnostic), in turn.
    const text = document.getText();
    const at =
      text.indexOf('"seats": ', text.indexOf(`"Package ${String(i % PACKAGES).padStart(2, '0')}": {`)) + 9;
    const end = text.indexOf('\n', at);
    const range = { start: document.positionAt(at), end: document.positionAt(end) };
    const newText = i % 2 ? '0' : String(100 + i);
    const version = document.version + 1;
    document = TextDocument.update(document, [{ range, text: newText }], version);
    const done = published(version);
    const sent = performance.now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text: newText }],
    });
    diagnostics = await done;
    if (i >= WARMUP) times.push(performance.now() - sent);
  }
  const lines = document.getText().split('\n').length;
  await connection.sendRequest('shutdown').catch(() => undefined);
  await connection.sendNotification('exit').catch(() => undefined);
  connection.dispose();
  child.kill();
  return { startup, median: median(times), p90: percentile(times, 0.9), lines, diagnostics };
}

async function main(): Promise<void> {
  if (!fs.existsSync(serverModule)) throw new Error('Run `npm run build` first: dist/server.js is missing.');
  const world = await startLocalOrg({ seed: 'demo' });
  try {
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'bench-ls-lmo',
    });
    const session = new LmoSession({
      log: { trace() {}, info() {}, warn() {}, error() {} },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    await session.connect('bench-ls-lmo');
    const ids = world.console.packages().map((p) => p.id);
    const noOrg = await measure(async () => ({ connected: false }), ids);
    const withOrg = await measure(() => answerLmoPackages(session.state, () => loadPackages(session)), ids);
    session.dispose();

    const row = (what: string, median: string, p90: string, target: string) =>
      `| ${what.padEnd(60)} | ${median.padStart(8)} | ${p90.padStart(8)} | ${target.padStart(7)} |`;
    console.log(row(`sfdx-project.json language server (${EDITS} edits)`, 'median', 'p90', 'target'));
    console.log(`|${'-'.repeat(62)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(9)}|`);
    for (const [label, figures] of [
      ['no org', noOrg],
      ['local org (demo LMO)', withOrg],
    ] as const) {
      console.log(
        row(
          `Edit → diagnostics, ${figures.lines}-line file, ${label}`,
          `${figures.median.toFixed(1)} ms`,
          `${figures.p90.toFixed(1)} ms`,
          '50 ms',
        ),
      );
    }
    console.log(row('Server start (spawn → initialize answered)', `${noOrg.startup.toFixed(0)} ms`, '', ''));
    const size = (file: string) => `${(fs.statSync(path.join('dist', file)).size / 1024).toFixed(0)} KB`;
    console.log(row('dist/server.js', size('server.js'), '', ''));
    console.log(
      row('dist/languageClient.js (loaded when the file opens)', size('languageClient.js'), '', ''),
    );
  } finally {
    await world.close();
  }
}

void main();
