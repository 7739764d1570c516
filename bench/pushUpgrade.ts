// Benchmark of push upgrades on the local org (issue 21), for the package with the most subscribers of a
// seeded world (PUSH_BENCH_LICENSES Licenses, default 25,000; one PackageSubscriber per installed License):
//   live count  = one selection's counts (countSelection: one aggregate over the LMO's Licenses)
//   plan        = the preview (planPush): the LMO's candidates and the owner org's subscribers
//   schedule    = the request, its jobs 200 per sObject Collections request, then Pending (scheduled a
//                 day ahead, then aborted, so the local org doesn't run them)
//   schedule (Collections) = the same jobs through sObject Collections (ingestThreshold past the job count)
//   schedule (sf package push-upgrade) = the official CLI as a process (test/integration/localOrg/sfProcess.ts,
//                 logged in to the Dev Hub beforehand) scheduling the same orgs, given as an --org-file of
//                 15-character ids (its readOrgFile keeps only ^00D[a-zA-Z0-9]{12}$; an --org-list of
//                 9,000 ids is past Linux's 128 KB limit for one argument); wall time of the process
// Requests are counted per org from the extension's logs, and for every schedule row also by the Dev Hub's
// own counter (its API usage, read from /limits before and after; the read after is taken off).
// Run: node --import tsx bench/pushUpgrade.ts (prints a table)
import '../test/integration/isolatedHome.ts';
import { startLocalOrg } from 'lma-local-org';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { queryPage } from '../src/lma/records/lmoApi.ts';
import { loadPackages } from '../src/lma/records/packages.ts';
import { countSelection, scopeForVersion } from '../src/lma/records/pushUpgrade.ts';
import { releasedNewestFirst } from '../src/lma/records/packages.ts';
import { DEFAULT_SELECTION } from '../src/lma/rules/pushUpgrade.ts';
import { abortPush, planPush, schedulePush } from '../src/lma/workflows/pushUpgrade.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { OwnerOrgConnections } from '../src/org/ownerOrgs.ts';
import { authorizeWithRefreshToken, openConnection } from '../src/org/salesforce.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { sfProcess } from '../test/integration/localOrg/sfProcess.ts';

const LICENSES = Number(process.env.PUSH_BENCH_LICENSES ?? 25_000);

async function main() {
  const started = performance.now();
  const org = await startLocalOrg({ seed: LICENSES });
  const cli = sfProcess({ cwd: 'home', timeoutMs: 900_000 });
  const seededMs = performance.now() - started;
  let lmoRequests = 0;
  let ownerRequests = 0;
  const count = (line: string) => {
    if (/^\[owner org/.test(line)) ownerRequests++;
    else if (/^(GET|POST|PATCH|DELETE) /.test(line)) lmoRequests++;
  };
  const log = { trace: count, info: count, warn: count, error: count };
  const session = new LmoSession({
    log,
    checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
  });
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-push-lmo',
    });
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.devhub.refreshToken,
      alias: 'bench-push-hub',
    });
    await session.connect('bench-push-lmo');
    const owner = await new OwnerOrgConnections({ log, open: openConnection }).connect('bench-push-hub');
    const groups = await queryPage<{ MetadataPackageId: string; total: number }>(
      owner,
      'SELECT MetadataPackageId, COUNT(Id) total FROM PackageSubscriber GROUP BY MetadataPackageId',
    );
    const biggest = [...groups.records].sort((a, b) => b.total - a.total)[0]!;
    const packages = await loadPackages(session);
    const pkg = packages.find(
      (p) => p.packageId && p.packageId.slice(0, 15) === biggest.MetadataPackageId.slice(0, 15),
    )!;
    const target = [...pkg.versions].sort(releasedNewestFirst)[0]!;
    const found = scopeForVersion(packages, target.versionId!);
    if ('problem' in found) throw new Error(found.problem);
    const scope = found.scope;

    const hub = new Connection({
      instanceUrl: org.instanceUrl,
      accessToken: org.orgs.devhub.accessToken as string,
      version: '62.0',
    });
    // The Dev Hub's count of API requests; the read itself is one.
    const hubUsage = async () => {
      const limits = await hub.request<{ DailyApiRequests: { Max: number; Remaining: number } }>(
        '/services/data/v62.0/limits',
      );
      return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
    };
    const measure = async <T>(run: () => Promise<T>) => {
      const [lmo0, owner0, hub0] = [lmoRequests, ownerRequests, await hubUsage()];
      const t0 = performance.now();
      const value = await run();
      const ms = performance.now() - t0;
      const hubCounted = (await hubUsage()) - hub0 - 1;
      return { value, ms, lmo: lmoRequests - lmo0, owner: ownerRequests - owner0, hub: hubCounted };
    };
    const counted = await measure(() => countSelection(session, scope, DEFAULT_SELECTION));
    const planned = await measure(() => planPush(session, owner, scope, DEFAULT_SELECTION));
    const preview = planned.value;
    const scheduled = await measure(() =>
      schedulePush(owner, preview, { when: new Date(Date.now() + 86_400_000) }),
    );
    const report = scheduled.value;
    if (report.kind === 'started') await abortPush(owner, report.requestId);
    const collections = await measure(() =>
      schedulePush(owner, preview, {
        when: new Date(Date.now() + 86_400_000),
        ingestThreshold: preview.jobs.length + 1,
      }),
    );
    if (collections.value.kind === 'started') await abortPush(owner, collections.value.requestId);
    const login = await cli.sf(
      ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'hub'],
      { SF_ACCESS_TOKEN: org.orgs.devhub.accessToken as string },
    );
    if (login.status !== 0) throw new Error(login.raw);
    const orgFile = join(cli.home, 'orgs.csv');
    writeFileSync(orgFile, preview.jobs.map((j) => j.orgId.slice(0, 15)).join('\n') + '\n');
    const bySf = await measure(() =>
      cli.sf([
        'package',
        'push-upgrade',
        'schedule',
        '--package',
        target.versionId!,
        '--org-file',
        orgFile,
        '--start-time',
        new Date(Date.now() + 86_400_000).toISOString(),
        '--target-dev-hub',
        'hub',
      ]),
    );
    const sfResult = bySf.value.result as { PushRequestId?: string; message?: string };
    const sfJobs = sfResult.PushRequestId
      ? (
          await queryPage<{ total: number }>(
            owner,
            `SELECT COUNT(Id) total FROM PackagePushJob WHERE PackagePushRequestId = '${sfResult.PushRequestId}'`,
          )
        ).records[0]!.total
      : 0;
    if (sfResult.PushRequestId) await abortPush(owner, sfResult.PushRequestId);

    const rows: string[][] = [
      ['step', 'what', 'time (ms)', 'LMO requests', 'owner-org requests', 'Dev Hub counted'],
      [
        'live count',
        `${counted.value.total} Licenses`,
        counted.ms.toFixed(0),
        String(counted.lmo),
        String(counted.owner),
        '',
      ],
      [
        'plan + preview',
        `${preview.jobs.length} jobs, ${preview.excluded.length} left out`,
        planned.ms.toFixed(0),
        String(planned.lmo),
        String(planned.owner),
        '',
      ],
      [
        'schedule (extension, Bulk API 2.0)',
        `${report.kind === 'started' ? report.jobs : 0} jobs, ${report.kind}`,
        scheduled.ms.toFixed(0),
        String(scheduled.lmo),
        String(scheduled.owner),
        String(scheduled.hub),
      ],
      [
        'schedule (extension, Collections)',
        `${collections.value.kind === 'started' ? collections.value.jobs : 0} jobs, ${collections.value.kind}`,
        collections.ms.toFixed(0),
        String(collections.lmo),
        String(collections.owner),
        String(collections.hub),
      ],
      [
        'schedule (sf package push-upgrade)',
        `${sfJobs} jobs, ${bySf.value.status === 0 ? 'Pending' : `exit ${bySf.value.status}: ${sfResult.message ?? ''}`}`,
        bySf.ms.toFixed(0),
        '0',
        '—',
        String(bySf.hub),
      ],
    ];
    console.log(
      `Push upgrades: ${pkg.name}, ${biggest.total} subscribers, target ${target.versionNumber} (world of ${LICENSES} Licenses seeded in ${(seededMs / 1000).toFixed(1)} s)\n`,
    );
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const [n, row] of rows.entries()) {
      console.log(`| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
      if (n === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
    }
  } finally {
    session.dispose();
    await org.close();
    cli.dispose();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
