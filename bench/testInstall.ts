// Benchmark of one verified test install on the local org (issue 8):
//   LMO requests  = requests the session made to the LMO for the run (the install itself goes to the
//                   test org through its own connection)
//   verification  = wall time from the install's SUCCESS to the finished report: the LMO lookups and
//                   the checks, not the install. The local org writes the License at SUCCESS here
//                   (licenseDelayMs 0), so that the figure is the extension's own time; the look at
//                   what the LMO held before the install counts as one more request.
// Run: node --import tsx bench/testInstall.ts (prints a table)
import '../test/integration/isolatedHome.ts';
import { startLocalOrg } from 'lma-local-org';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { runTestInstall } from '../src/lma/workflows/testInstall.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { authorizeWithRefreshToken, openConnection } from '../src/org/salesforce.ts';

const RUNS = 10;

async function main() {
  const org = await startLocalOrg({ seed: 'demo', timing: { licenseDelayMs: 0 } });
  let lmoRequests = 0;
  const counting = (line: string) => {
    if (/^(GET|POST|PATCH|DELETE) /.test(line)) lmoRequests++;
  };
  const session = new LmoSession({
    log: { trace: counting, info: counting, warn: counting, error: counting },
    checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
  });
  const rows: { requests: number; ms: number }[] = [];
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-lmo',
    });
    await session.connect('bench-lmo');
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const versionId = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
    for (let run = 0; run < RUNS; run++) {
      const view = await org.createTestOrg();
      await authorizeWithRefreshToken({
        loginUrl: org.instanceUrl,
        refreshToken: view.refreshToken,
        alias: `bench-test-${run}`,
      });
      const target = await openConnection(`bench-test-${run}`, () => undefined);
      const before = lmoRequests;
      let installed = 0;
      const report = await runTestInstall({
        lmo: session,
        lmoUsername: 'bench-lmo',
        target: {
          username: target.username,
          orgId: target.orgId,
          request: (p, o) => target.request(p, o),
        },
        versionId,
        termsFor: () => ({ status: 'Trial', lengthDays: 30, seats: 10 }),
        limits: { versionTimeoutMs: 60_000, installTimeoutMs: 60_000, licenseTimeoutMs: 60_000 },
        waiting: {
          onPhase: (phase) => {
            if (phase.kind === 'installing' && phase.status === 'SUCCESS') installed = performance.now();
          },
        },
      });
      if (report.outcome !== 'passed') throw new Error(`run ${run}: ${report.outcome}`);
      rows.push({ requests: lmoRequests - before, ms: performance.now() - installed });
    }
  } finally {
    session.dispose();
    await org.close();
  }
  const times = rows.map((row) => row.ms).sort((a, b) => a - b);
  console.table([
    {
      measure: `Verified test install on the local org (${RUNS} runs)`,
      'LMO requests': [...new Set(rows.map((row) => row.requests))].join(' or '),
      'verification median': `${times[Math.floor(RUNS / 2)]!.toFixed(1)} ms`,
      range: `${times[0]!.toFixed(1)}–${times.at(-1)!.toFixed(1)} ms`,
    },
  ]);
}

void main();
