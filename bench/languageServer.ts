// Benchmark of the sfdx-project.json language server (issue 7): the time from an edit (didChange) to
// its diagnostics (publishDiagnostics of that version), on a 500-line file, measured by an LSP client
// over stdio against the built dist/server.js, as VS Code sees it. With no org, and with the demo LMO
// of the local org answering lma/lmoPackages as the extension does.
// And on a 5 MB file (issue 19: the analysis grew with the square of the file): edit → diagnostics,
// completion and hover through the server, and each pure analysis in-process.
// Run: npm run build && node --import tsx bench/languageServer.ts   (targets: 50 ms; 200 ms at 5 MB)
import '../test/integration/isolatedHome.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, complete, diagnose, hover } from '../server/analysis.ts';
import { startLocalOrg } from 'lma-local-org';
import { LMO_PACKAGES, type LmoPackages } from '../src/protocol/languageServer.ts';
import { answerLmoPackages } from '../src/language/lmoAnswer.ts';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { loadPackages } from '../src/lma/records/packages.ts';
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
function bigProject(ids: string[], count = PACKAGES): string {
  const packages = Array.from({ length: count }, (_, i) => `Package ${String(i).padStart(2, '0')}`);
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

const LARGE_RUNS = 7;
const LARGE_BYTES = 5 * 1024 * 1024;

/** A project of about 5 MB: the 500-line one's shape with as many packages as that takes. */
function largeProject(ids: string[]): string {
  const perPackage = bigProject(ids, 100).length / 100;
  return bigProject(ids, Math.ceil(LARGE_BYTES / perPackage));
}

/** Edit → diagnostics, completion and hover on the 5 MB file, through the server process. */
async function measureLarge(lmo: () => Promise<LmoPackages>, text: string) {
  const child = spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting = new Map<number, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    if (params.version !== undefined) waiting.get(params.version)?.();
  });
  let answered!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  connection.onRequest(LMO_PACKAGES, () => lmo().finally(answered));
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});
  await firstAnswer;
  let document = TextDocument.create(uri, 'json', 1, text);
  const published = (version: number) => new Promise<void>((resolve) => waiting.set(version, resolve));
  const opened = published(1);
  const openSent = performance.now();
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'json', version: 1, text },
  });
  await opened;
  const open = performance.now() - openSent;
  const edits: number[] = [];
  const completions: number[] = [];
  const hovers: number[] = [];
  for (let i = 0; i < LARGE_RUNS; i++) {
    const current = document.getText();
    const at = current.lastIndexOf('"seats": ') + 9;
    const range = { start: document.positionAt(at), end: document.positionAt(current.indexOf('\n', at)) };
    const version = document.version + 1;
    document = TextDocument.update(document, [{ range, text: String(100 + i) }], version);
    const done = published(version);
    let sent = performance.now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text: String(100 + i) }],
    });
    await done;
    edits.push(performance.now() - sent);
    const after = document.getText();
    const keyAt = document.positionAt(after.lastIndexOf('"status"') - 1);
    sent = performance.now();
    await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: keyAt });
    completions.push(performance.now() - sent);
    const aliasAt = document.positionAt(after.lastIndexOf('"Package ') + 2);
    sent = performance.now();
    await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: aliasAt });
    hovers.push(performance.now() - sent);
  }
  await connection.sendRequest('shutdown').catch(() => undefined);
  await connection.sendNotification('exit').catch(() => undefined);
  connection.dispose();
  child.kill();
  return { open, edit: median(edits), completion: median(completions), hover: median(hovers) };
}

/** Each pure analysis on a fresh copy of the 5 MB text (nothing reused from the call before). */
function measureAnalysis(text: string, lmo: LmoPackages) {
  const times = {
    diagnose: [] as number[],
    complete: [] as number[],
    hover: [] as number[],
    fix: [] as number[],
  };
  let diagnostics = 0;
  for (let i = 0; i < LARGE_RUNS; i++) {
    const fresh = `${text.slice(0, -1)}${' '.repeat(i)}\n`;
    const document = () => TextDocument.create(uri, 'json', 1, `${fresh}`);
    let started = performance.now();
    const found = diagnose(document(), lmo);
    times.diagnose.push(performance.now() - started);
    diagnostics = found.length;
    started = performance.now();
    complete(document(), fresh.lastIndexOf('"status"') - 1, lmo);
    times.complete.push(performance.now() - started);
    started = performance.now();
    hover(document(), fresh.lastIndexOf('"Package ') + 2, lmo);
    times.hover.push(performance.now() - started);
    const last = found.at(-1);
    started = performance.now();
    if (last) codeActions(document(), last.range, [last]);
    times.fix.push(performance.now() - started);
  }
  // A yardstick for the machine's load: V8's own JSON.parse of the same text, which builds no offsets.
  const parses: number[] = [];
  for (let i = 0; i < LARGE_RUNS; i++) {
    const started = performance.now();
    JSON.parse(`${text.slice(0, -1)}${' '.repeat(i)}\n`);
    parses.push(performance.now() - started);
  }
  return {
    jsonParse: median(parses),
    diagnose: median(times.diagnose),
    complete: median(times.complete),
    hover: median(times.hover),
    fix: median(times.fix),
    diagnostics,
  };
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
      checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
    });
    await session.connect('bench-ls-lmo');
    const ids = world.console.packages().map((p) => p.id);
    const noOrg = await measure(async () => ({ connected: false }), ids);
    const withOrg = await measure(() => answerLmoPackages(session.state, () => loadPackages(session)), ids);
    const large = largeProject(ids);
    // One seats value of 0 in 20: a file with diagnostics to publish, as a broken file has.
    const broken = large.replace(/"seats": (\d*)0\n/g, '"seats": 0\n');
    const lmoAnswer = await answerLmoPackages(session.state, () => loadPackages(session));
    const largeServer = await measureLarge(async () => lmoAnswer, broken);
    const largeAnalysis = measureAnalysis(broken, lmoAnswer);
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
    const mb = `${(broken.length / 1024 / 1024).toFixed(1)} MB, ${broken.split('\n').length.toLocaleString('en-US')} lines`;
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    console.log(row(`${mb}, local org: open → diagnostics`, ms(largeServer.open), '', ''));
    console.log(
      row(`${mb}, local org: edit → diagnostics (${LARGE_RUNS} edits)`, ms(largeServer.edit), '', '200 ms'),
    );
    console.log(row(`${mb}, local org: completion after an edit`, ms(largeServer.completion), '', '200 ms'));
    console.log(row(`${mb}, local org: hover after an edit`, ms(largeServer.hover), '', '200 ms'));
    console.log(
      row(
        `${mb}: diagnose() in-process, ${largeAnalysis.diagnostics.toLocaleString('en-US')} found`,
        ms(largeAnalysis.diagnose),
        '',
        '200 ms',
      ),
    );
    console.log(row(`${mb}: complete() in-process, unparsed text`, ms(largeAnalysis.complete), '', '200 ms'));
    console.log(row(`${mb}: hover() in-process, unparsed text`, ms(largeAnalysis.hover), '', '200 ms'));
    console.log(row(`${mb}: codeActions() in-process, one quick fix`, ms(largeAnalysis.fix), '', ''));
    console.log(
      row(`${mb}: JSON.parse (yardstick of the machine's load)`, ms(largeAnalysis.jsonParse), '', ''),
    );
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
