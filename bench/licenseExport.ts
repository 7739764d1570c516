// Benchmark of "Export Licenses" (issues 10 and 25) against the official CLI, in one run on one local org:
//   ours      = exportLicensesToFile through an LmoSession (the extension's code, bundled as the extension
//               bundles it: bench/licenseExportChild.ts), in a process of its own, through REST
//   ours bulk = the same with Bulk API 2.0 after the first page (threshold 1)
//   sf        = `sf data query --query <the same SOQL> --result-format csv --output-file …`
//   sf bulk   = `sf data export bulk --query <the same SOQL> --output-file …` (Bulk API 2.0)
// The local org runs in its own process (as `lma-local-org start`) with a package of about 100,000
// licenses. API requests are the org's own count (/limits before and after each process); peak
// resident memory is each process's own maxRSS, read by a preload at exit.
// Run: npm run bench:export [-- licenses] [--data <dir>] [--bulk-only] (after `npm run build`; prints a
// table). LMA_BENCH_RUNS sets the runs of each (5); LMA_BENCH_NODE_FLAGS adds Node flags to our exporting
// process (a profiler's), LMA_BENCH_SERVER_FLAGS to the local org's process; LMA_BENCH_MAX_RECORDS sets
// our Bulk results page size.
//   --data <dir>  the world seeded there by an earlier run (or by `--build <dir> <licenses>` alone) is
//                 reopened, its licenses read from the mark the seed leaves there (bench-seed.json); an
//                 empty or missing <dir> is seeded first and left in place, so a seed of minutes is paid
//                 once. Keep it outside the repository. (`--build` alone: give Node
//                 --max-old-space-size=8400 at 1,670,000 licenses, as a run gives its seeding child.)
//   --bulk-only   only the Bulk pair (ours bulk, sf bulk): at 1,000,000 licenses each REST side makes
//                 500+ requests. The table keeps its rows, with only those two columns.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalOrg } from 'lma-local-org';
import { sfEnv } from '../test/integration/localOrg/sfProcess';
import { bundleChild, startServerProcess, type ServerProcess } from './processes';

const mode = process.argv[2];
const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
/** A world seeded by an earlier run (`--data <dir>`), reopened; undefined: a fresh one in a temporary dir. */
const DATA = mode === '--build' ? undefined : flag('--data') && resolve(flag('--data')!);
const BULK_ONLY = process.argv.includes('--bulk-only');
/** Written by `--build` into the world's folder once its seed has finished (the local org ignores it). */
const SEEDED = 'bench-seed.json';
/** The licenses the world in `dir` was seeded with; undefined if nothing was seeded there. */
const seededLicenses = (dir: string): number | undefined => {
  if (existsSync(join(dir, SEEDED)))
    return (JSON.parse(readFileSync(join(dir, SEEDED), 'utf8')) as { licenses: number }).licenses;
  // world.json is written when a seed starts: without the mark, the seed was stopped or died.
  if (existsSync(join(dir, 'world.json')))
    throw new Error(`${dir} holds a seed that did not finish (no ${SEEDED}): remove it to seed again.`);
  return undefined;
};
// Acme Billing gets 60% of a seeded world's licenses: 167,000 gives it about 100,000.
const LICENSES =
  (DATA && seededLicenses(DATA)) ||
  Number(
    (mode === '--build' ? process.argv[4] : process.argv.slice(2).find((a) => /^\d+$/.test(a))) ?? 167_000,
  );
const RUNS = Number(process.env.LMA_BENCH_RUNS ?? 5);
const API = 'v62.0';
const SF = join(__dirname, '..', 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Child: seed the world, so the server process only reopens a saved store. */
async function seed(dir: string): Promise<void> {
  const started = performance.now();
  const seeded = await startLocalOrg({ dataDir: dir, seed: LICENSES });
  await seeded.close();
  const seedMs = performance.now() - started;
  writeFileSync(join(dir, SEEDED), JSON.stringify({ licenses: LICENSES, seedMs }) + '\n');
  console.log(JSON.stringify({ seedMs }));
}

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssMb: number;
}

/** Runs a Node script with a preload that writes the process's peak RSS (maxRSS) when it exits. */
function runMeasured(args: string[], env: NodeJS.ProcessEnv, work: string): Promise<Measured> {
  const peakFile = join(work, `peak-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', join(work, 'peak.cjs'), ...args], {
    env: { ...env, LMA_BENCH_PEAK: peakFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      const peakRssMb = existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) / 1024 : Number.NaN;
      resolve({ code, stdout, stderr, wallMs, peakRssMb });
    }),
  );
}

/**
 * CSV records in a file (a CRLF or LF outside quotes ends one), less the header. Read in chunks of bytes
 * (`"` and LF are single bytes in UTF-8): a 1,000,000-license file is longer than a string may be.
 */
function csvRecords(file: string): number {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let records = 0;
  let quoted = false;
  try {
    for (let read; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0;)
      for (let i = 0; i < read; i++) {
        const byte = chunk[i];
        if (byte === 34) quoted = !quoted;
        else if (byte === 10 && !quoted) records++;
      }
  } finally {
    closeSync(fd);
  }
  return records - 1;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lma-bench-export-'));
  const dataDir = DATA ?? join(work, 'org');
  const home = join(work, 'home');
  let server: ServerProcess | undefined;
  try {
    if (!DATA || seededLicenses(DATA) === undefined) {
      if (DATA) mkdirSync(DATA, { recursive: true });
      // The seed holds every table it writes: about 3.4 GB at 1,000,000 licenses, past Node's default
      // heap limit (about 4 GB) at 1,670,000, where it died of it. Node flags given to this run come after.
      const seedHeapMb = Math.max(4096, Math.ceil(LICENSES / 200));
      const seeding = spawnSync(
        process.execPath,
        [
          `--max-old-space-size=${seedHeapMb}`,
          ...process.execArgv,
          __filename,
          '--build',
          dataDir,
          String(LICENSES),
        ],
        {
          encoding: 'utf8',
        },
      );
      if (seeding.status !== 0) throw new Error(`seeding failed: ${seeding.stderr}`);
    }
    writeFileSync(
      join(work, 'peak.cjs'),
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.LMA_BENCH_PEAK, String(process.resourceUsage().maxRSS)));\n",
    );
    const exporter = await bundleChild('licenseExportChild.ts', work, 'exporter.js');
    server = await startServerProcess(dataDir);
    const { instanceUrl, lmoToken: token } = server;

    // A fresh connection per request: the bench sits idle while a child runs, and a kept-alive socket
    // that the server closes meanwhile fails the next fetch (UND_ERR_SOCKET).
    const api = <T>(path: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const request = get(
          `${instanceUrl}/services/data/${API}${path}`,
          { agent: false, headers: { Authorization: `Bearer ${token}` } },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () =>
              response.statusCode === 200
                ? resolve(JSON.parse(body) as T)
                : reject(new Error(`${path}: ${response.statusCode} ${body}`)),
            );
          },
        );
        request.on('error', reject);
      });
    // The org's count of API requests today; the /limits request counts itself.
    const used = async () => {
      const limits = await api<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits');
      return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
    };
    const requestsOf = async <T>(run: () => Promise<T>): Promise<{ value: T; requests: number }> => {
      const before = await used();
      const value = await run();
      return { value, requests: (await used()) - before - 1 };
    };

    // The package with the most licenses, counted as the tree counts them.
    const { records: packages } = await api<{ records: Array<{ Id: string; Name: string }> }>(
      `/query?q=${encodeURIComponent('SELECT Id, Name FROM sfLma__Package__c')}`,
    );
    let pkg = { id: '', name: '', licenses: -1 };
    for (const p of packages) {
      const { totalSize } = await api<{ totalSize: number }>(
        `/query?q=${encodeURIComponent(`SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__c = '${p.Id}'`)}`,
      );
      if (totalSize > pkg.licenses) pkg = { id: p.Id, name: p.Name, licenses: totalSize };
    }
    const { licenseExportSoql } = await import('../src/lma/workflows/licenseExport');
    const soql = licenseExportSoql({ package: { id: pkg.id, name: pkg.name } });

    // One throw-away CLI home for both: sf logs in there, and our session reads the same auth store.
    const env: NodeJS.ProcessEnv = {
      ...sfEnv(home),
      // sf data query stops at 50,000 records by default (org-max-query-limit).
      SF_ORG_MAX_QUERY_LIMIT: String(LICENSES * 2),
      ...(process.env.LMA_BENCH_MAX_RECORDS
        ? { LMA_BENCH_MAX_RECORDS: process.env.LMA_BENCH_MAX_RECORDS }
        : {}),
    };
    const login = spawnSync(
      process.execPath,
      [
        SF,
        'org',
        'login',
        'access-token',
        '--instance-url',
        instanceUrl,
        '--no-prompt',
        '--alias',
        'bench-lmo',
      ],
      { env: { ...env, SF_ACCESS_TOKEN: token }, encoding: 'utf8' },
    );
    if (login.status !== 0) throw new Error(`sf org login failed: ${login.stdout}${login.stderr}`);

    type Ours = Measured & {
      requests: number;
      exportRequests: number;
      exportMs: number;
      rows: number;
      bytes: number;
    };
    type Theirs = Measured & { requests: number; rows: number; bytes: number };
    const ours: Ours[] = [];
    const oursBulk: Ours[] = [];
    const theirs: Theirs[] = [];
    const theirsBulk: Theirs[] = [];
    // Warm the server's query path once, so that neither side pays for the first, cold query.
    await api(`/query?q=${encodeURIComponent(soql)}`);

    // LMA_BENCH_NODE_FLAGS: Node flags for our exporting process (`--cpu-prof --cpu-prof-dir=<dir>`).
    const ourFlags = (process.env.LMA_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const ourArgs = (file: string, bulk = false) => [
      ...ourFlags,
      exporter,
      'bench-lmo',
      pkg.id,
      pkg.name,
      file,
      ...(bulk ? ['bulk'] : []),
    ];
    const runOurs = async (run: number, bulk = false) => {
      const file = join(work, `ours-${bulk ? 'bulk-' : ''}${run}.csv`);
      const measured = await requestsOf(() => runMeasured(ourArgs(file, bulk), env, work));
      if (measured.value.code !== 0) throw new Error(`our export failed: ${measured.value.stderr}`);
      const report = JSON.parse(measured.value.stdout.trim().split('\n').at(-1)!) as {
        requests: number;
        exportMs: number;
      };
      (bulk ? oursBulk : ours).push({
        ...measured.value,
        requests: measured.requests,
        exportRequests: report.requests,
        exportMs: report.exportMs,
        rows: csvRecords(file),
        bytes: statSync(file).size,
      });
      rmSync(file);
    };
    const runSf = async (run: number, bulk = false) => {
      const file = join(work, `sf-${bulk ? 'bulk-' : ''}${run}.csv`);
      const args = bulk
        ? ['data', 'export', 'bulk', '--target-org', 'bench-lmo', '--query', soql, '--wait', '10']
        : ['data', 'query', '--target-org', 'bench-lmo', '--query', soql, '--result-format', 'csv'];
      const measured = await requestsOf(() =>
        runMeasured(['--no-deprecation', SF, ...args, '--output-file', file], env, work),
      );
      if (measured.value.code !== 0)
        throw new Error(
          `sf data ${bulk ? 'export bulk' : 'query'} failed: ${measured.value.stdout}${measured.value.stderr}`,
        );
      (bulk ? theirsBulk : theirs).push({
        ...measured.value,
        requests: measured.requests,
        rows: csvRecords(file),
        bytes: statSync(file).size,
      });
      rmSync(file);
    };
    // Taking turns at going first, so that neither is always the one on a freshly warmed server.
    for (let run = 0; run < RUNS; run++) {
      const order = [
        ...(BULK_ONLY ? [] : [() => runOurs(run), () => runSf(run)]),
        () => runOurs(run, true),
        () => runSf(run, true),
      ];
      for (const step of run % 2 === 0 ? order : order.reverse()) await step();
    }

    // One more, untimed, that looks at the live heap: flat if pages are dropped once written.
    const heapFile = join(work, 'ours-heap.csv');
    const liveHeap = async (bulk: boolean) => {
      const heapRun = await runMeasured(['--expose-gc', ...ourArgs(heapFile, bulk)], env, work);
      if (heapRun.code !== 0)
        throw new Error(`the ${bulk ? 'Bulk' : 'REST'} heap run failed: ${heapRun.stderr}`);
      rmSync(heapFile, { force: true });
      return JSON.parse(heapRun.stdout.trim().split('\n').at(-1)!) as { liveHeapMb: number; rows: number };
    };
    const restHeap = BULK_ONLY ? undefined : await liveHeap(false);
    const bulkHeap = await liveHeap(true);

    // What each side spends outside the export itself: for sf, a one-row query (start-up, login, columns).
    const oneRow = BULK_ONLY
      ? undefined
      : await runMeasured(
          [
            '--no-deprecation',
            SF,
            'data',
            'query',
            '--target-org',
            'bench-lmo',
            '--query',
            'SELECT Id FROM sfLma__License__c LIMIT 1',
            '--result-format',
            'csv',
          ],
          env,
          work,
        );

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const range = (xs: number[], digits = 0) =>
      `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
    console.log(
      `\nExport of ${pkg.licenses.toLocaleString('en-US')} licenses (${pkg.name}, a local org of ${LICENSES.toLocaleString('en-US')}; server in its own process; ${RUNS} runs each, median (min–max); Node ${process.version})\n`,
    );
    const requestsCell = (runs: Ours[]) =>
      `${median(runs.map((r) => r.requests))} (the export: ${median(runs.map((r) => r.exportRequests))}; connecting: the rest)`;
    // The table's columns, each with its cells in the order of the rows below.
    interface Column {
      title: string;
      runs: Array<Ours | Theirs>;
      requests: string;
      exportMs: string;
      startup: string;
      liveHeap: string;
    }
    const ourColumn = (title: string, runs: Ours[], heap: string): Column => ({
      title,
      runs,
      requests: requestsCell(runs),
      exportMs: range(runs.map((r) => r.exportMs)),
      startup: range(runs.map((r) => r.wallMs - r.exportMs)),
      liveHeap: heap,
    });
    const restColumns: Column[] = restHeap
      ? [
          ourColumn(
            'LMA Explorer, REST',
            ours,
            `${restHeap.liveHeapMb.toFixed(0)} (one more run, ${restHeap.rows.toLocaleString('en-US')} rows)`,
          ),
        ]
      : [];
    const sfQueryColumns: Column[] = oneRow
      ? [
          {
            title: '`sf data query --result-format csv`',
            runs: theirs,
            requests: String(median(theirs.map((r) => r.requests))),
            exportMs: 'n/a (the CLI logs in for each command)',
            startup: `${oneRow.wallMs.toFixed(0)} (a one-row \`sf data query\`, once)`,
            liveHeap: 'n/a (holds every record until it writes)',
          },
        ]
      : [];
    const columns: Column[] = [
      ...restColumns,
      ourColumn('LMA Explorer, Bulk API 2.0', oursBulk, `${bulkHeap.liveHeapMb.toFixed(0)} (one more run)`),
      ...sfQueryColumns,
      {
        title: '`sf data export bulk`',
        runs: theirsBulk,
        requests: String(median(theirsBulk.map((r) => r.requests))),
        exportMs: 'n/a (polls every 5 s)',
        startup: '',
        liveHeap: 'n/a',
      },
    ];
    console.log(`| | ${columns.map((c) => c.title).join(' | ')} |`);
    console.log(`|---|${columns.map(() => '---|').join('')}`);
    const row = (what: string, cell: (column: Column) => string) =>
      console.log(`| ${what} | ${columns.map(cell).join(' | ')} |`);
    row("API requests (the org's count, whole process)", (c) => c.requests);
    row('wall time, process start to exit (ms)', (c) => range(c.runs.map((r) => r.wallMs)));
    row('  of which the export, session connected (ms)', (c) => c.exportMs);
    row('  of which start-up and login (ms)', (c) => c.startup);
    row('peak resident memory of the process (MB)', (c) => range(c.runs.map((r) => r.peakRssMb)));
    row(
      'live JS heap after a collection (max, MB; REST every 10,000 licenses, Bulk every page)',
      (c) => c.liveHeap,
    );
    row('rows written', (c) => String(c.runs[0]!.rows));
    row('file size', (c) => mb(c.runs[0]!.bytes));
    if (columns.some((c) => c.runs.some((r) => r.rows !== pkg.licenses)))
      console.log(`\nNOTE: a file has a row count other than the package's ${pkg.licenses} licenses.`);
  } finally {
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (mode === '--build') void seed(process.argv[3]!);
else
  void main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
