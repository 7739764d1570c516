// Benchmark of the License Management tree (issues 4 and 12):
//   first paint   = packages with versions and license counts by Status group (what the tree shows first)
//   versions      = a package's versions with their license counts (when its Versions node opens)
//   group page    = the first 200 licenses of the largest status group
//   activation    = the extension's own activate() time, as it logs it, in code-server
// Worlds: 100,000 licenses (the demo's versions); 100,000 licenses with 300 versions per package (more
// than the 2,000 groups one aggregate may answer, which the tree once needed); and with --million,
// 1,000,000 licenses, measured as users meet it after a restart: seeded into a data folder, closed, and
// started again from its snapshot; connecting (the LMA check queries the Licenses) reads them from it.
// Run: npm run bench -- tree   (prints a table; targets: 1 s, 1 s, 300 ms, 50 ms)
//      node --import tsx bench/tree.ts [--million | --million-only] [--million-data <dir>] [--no-ui]
//      (--million-data keeps the seeded world in <dir> and reuses it on the next run)
import '../test/integration/isolatedHome.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalOrg, type StartLocalOrgOptions } from 'lma-local-org';
import { loadLicensePage } from '../src/lma/records/licenses.ts';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { loadLmoPackages, loadVersionCounts } from '../src/lma/records/packages.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(run: () => Promise<unknown>, requests: () => number) {
  const times: number[] = [];
  let perRun = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = requests();
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
    perRun = requests() - before;
  }
  return { median: median(times), first: times[0]!, requests: perRun };
}

interface TreeFigures {
  world: string;
  /** Reopening a saved world: startLocalOrg until it listens (in this process). */
  restartMs?: number;
  /** Then connecting: the LMA check's License query reads the Licenses from the snapshot. */
  connectMs?: number;
  firstPaint: Awaited<ReturnType<typeof measure>>;
  versions: Awaited<ReturnType<typeof measure>> & { count: number };
  groupPage: Awaited<ReturnType<typeof measure>>;
  largest: number;
}

async function treeFigures(
  world: string,
  options: StartLocalOrgOptions,
  restartFrom?: string,
): Promise<TreeFigures> {
  let restartMs: number | undefined;
  if (restartFrom && !fs.existsSync(path.join(restartFrom, 'world.json')))
    await (await startLocalOrg({ ...options, dataDir: restartFrom })).close();
  const started = performance.now();
  const org = await startLocalOrg(restartFrom ? { dataDir: restartFrom } : options);
  if (restartFrom) restartMs = performance.now() - started;
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-lmo',
    });
    let requests = 0;
    const count = (line: string) => void (/^(GET|POST) /.test(line) && requests++);
    const session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
    });
    const connecting = performance.now();
    await session.connect('bench-lmo');
    const connectMs = restartFrom ? performance.now() - connecting : undefined;
    const firstPaint = await measure(
      () => loadLmoPackages(session),
      () => requests,
    );
    const { packages } = await loadLmoPackages(session);
    const biggest = [...packages].sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    const versions = await measure(
      () => loadVersionCounts(session, biggest),
      () => requests,
    );
    const groups = packages.flatMap((pkg) =>
      Object.entries(pkg.licenseCounts).map(([status, n]) => ({ packageId: pkg.id, status, n: n! })),
    );
    const largest = groups.sort((a, b) => b.n - a.n)[0]!;
    const groupPage = await measure(
      () => loadLicensePage(session, { packageId: largest.packageId, status: largest.status as 'Active' }),
      () => requests,
    );
    session.dispose();
    return {
      world,
      restartMs,
      connectMs,
      firstPaint,
      versions: { ...versions, count: biggest.versions.length },
      groupPage,
      largest: largest.n,
    };
  } finally {
    await org.close();
  }
}

async function activationFigure(): Promise<number | undefined> {
  const { withSession } = await import('../test/e2e/harness.ts');
  let activation: number | undefined;
  await withSession('bench-activation', async ({ workbench, server }) => {
    await workbench.openViewContainer('License Management');
    await workbench.welcomeContent('License Management Org').waitFor();
    const logs = path.join(server.userDataDir, 'logs');
    for (let attempt = 0; attempt < 20 && activation === undefined; attempt++) {
      for (const file of fs.readdirSync(logs, { recursive: true }) as string[]) {
        if (!file.endsWith('LMA Explorer.log')) continue;
        const match = fs.readFileSync(path.join(logs, file), 'utf8').match(/activated in ([\d.]+) ms/);
        if (match) activation = Number(match[1]);
      }
      if (activation === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
  return activation;
}

async function main(): Promise<void> {
  const worlds: Array<[string, StartLocalOrgOptions]> = [
    ...(process.argv.includes('--million-only')
      ? []
      : ([
          ['100,000 licenses', { seed: 100_000 }],
          ['100,000 licenses, 600 versions', { seed: 100_000, seedShape: { versionsPerPackage: 300 } }],
        ] as Array<[string, StartLocalOrgOptions]>)),
    ...(process.argv.includes('--million') || process.argv.includes('--million-only')
      ? ([['1,000,000 licenses', { seed: 1_000_000 }]] as Array<[string, StartLocalOrgOptions]>)
      : []),
  ];
  const figures: TreeFigures[] = [];
  const dataArg = process.argv.indexOf('--million-data');
  const millionData =
    dataArg > 0
      ? path.resolve(process.argv[dataArg + 1]!)
      : fs.mkdtempSync(path.join(os.tmpdir(), 'lma-tree-'));
  try {
    for (const [name, options] of worlds)
      figures.push(await treeFigures(name, options, options.seed === 1_000_000 ? millionData : undefined));
  } finally {
    if (dataArg < 0) fs.rmSync(millionData, { recursive: true, force: true });
  }
  const activation = process.argv.includes('--no-ui') ? undefined : await activationFigure();
  const row = (what: string, value: string, requests: string, target: string) =>
    `| ${what.padEnd(58)} | ${value.padStart(10)} | ${requests.padStart(8)} | ${target.padStart(8)} |`;
  console.log(row('Tree', 'median', 'requests', 'target'));
  console.log(`|${'-'.repeat(60)}|${'-'.repeat(12)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`);
  for (const f of figures) {
    const ms = (m: { median: number }) => `${m.median.toFixed(0)} ms`;
    if (f.restartMs !== undefined)
      console.log(
        row(`${f.world}: start from its saved data (in-process)`, `${f.restartMs.toFixed(0)} ms`, '', ''),
      );
    if (f.connectMs !== undefined)
      console.log(
        row(
          `  connect (the LMA check reads the Licenses from the snapshot)`,
          `${f.connectMs.toFixed(0)} ms`,
          '',
          '',
        ),
      );
    console.log(
      row(
        `${f.world}: first paint, packages with counts`,
        ms(f.firstPaint),
        String(f.firstPaint.requests),
        '1000 ms',
      ),
    );
    console.log(
      row(
        f.restartMs === undefined ? `  (first, cold run)` : `  (first, cold run, after connecting)`,
        `${f.firstPaint.first.toFixed(0)} ms`,
        '',
        '',
      ),
    );
    console.log(
      row(
        `  Versions of the largest package (${f.versions.count}) with counts`,
        ms(f.versions),
        String(f.versions.requests),
        '1000 ms',
      ),
    );
    console.log(
      row(
        `  status group page (${f.largest.toLocaleString('en-US')} licenses)`,
        ms(f.groupPage),
        String(f.groupPage.requests),
        '300 ms',
      ),
    );
  }
  console.log(
    row(
      'Extension activate()',
      activation === undefined ? 'n/a' : `${activation.toFixed(1)} ms`,
      '0',
      '50 ms',
    ),
  );
}

void main();
