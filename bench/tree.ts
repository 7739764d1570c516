// Benchmark of the License Management tree on a 100,000-license LMO (issue 4):
//   first paint   = packages with versions and license counts (what the tree shows first)
//   group page    = the first 200 licenses of the largest status group
//   activation    = the extension's own activate() time, as it logs it, in code-server
// Run: npm run bench -- tree   (prints a table; targets: 1 s, 300 ms, 50 ms)
import '../test/integration/isolatedHome.ts';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalOrg } from '../localOrg/index.ts';
import { loadLicensePage } from '../src/lma/licenses.ts';
import { checkLmaPresence } from '../src/lma/lmaPresence.ts';
import { loadPackages } from '../src/lma/packages.ts';
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

async function treeFigures() {
  const world = await startLocalOrg({ seed: 100_000 });
  try {
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'bench-lmo',
    });
    let requests = 0;
    const count = (line: string) => void (/^(GET|POST) /.test(line) && requests++);
    const session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    await session.connect('bench-lmo');
    const firstPaint = await measure(
      () => loadPackages(session),
      () => requests,
    );
    const packages = await loadPackages(session);
    const groups = packages.flatMap((pkg) =>
      Object.entries(pkg.licenseCounts).map(([status, n]) => ({ packageId: pkg.id, status, n: n! })),
    );
    const largest = groups.sort((a, b) => b.n - a.n)[0]!;
    const groupPage = await measure(
      () => loadLicensePage(session, { packageId: largest.packageId, status: largest.status as 'Active' }),
      () => requests,
    );
    return { firstPaint, groupPage, largest: largest.n };
  } finally {
    await world.close();
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
  const tree = await treeFigures();
  const activation = process.argv.includes('--no-ui') ? undefined : await activationFigure();
  const row = (what: string, value: string, requests: string, target: string) =>
    `| ${what.padEnd(44)} | ${value.padStart(10)} | ${requests.padStart(8)} | ${target.padStart(8)} |`;
  console.log(row('Tree on 100,000 licenses', 'median', 'requests', 'target'));
  console.log(`|${'-'.repeat(46)}|${'-'.repeat(12)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`);
  console.log(
    row(
      'First paint: packages with counts',
      `${tree.firstPaint.median.toFixed(0)} ms`,
      String(tree.firstPaint.requests),
      '1000 ms',
    ),
  );
  console.log(row(`  (first, cold run)`, `${tree.firstPaint.first.toFixed(0)} ms`, '', ''));
  console.log(
    row(
      `Status group page (${tree.largest.toLocaleString('en-US')} licenses)`,
      `${tree.groupPage.median.toFixed(0)} ms`,
      String(tree.groupPage.requests),
      '300 ms',
    ),
  );
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
