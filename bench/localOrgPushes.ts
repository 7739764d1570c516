// Benchmark (not a test) of the local org's push upgrades over HTTP with jsforce, on a world with
// 10,000 PackageSubscriber rows in the Dev Hub: the aggregates a plan and preview ask; 10,000 jobs
// inserted through sObject Collections (200 a request); the run of the request at pushJobMs 0.
//   node --import tsx bench/localOrgPushes.ts [subscribers]
import { Connection } from '@jsforce/jsforce-node';
import { startLocalOrg } from 'lma-local-org';

const SUBSCRIBERS = Number(process.argv[2] ?? 10_000);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(runs: number, fn: () => PromiseLike<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function main(): Promise<void> {
  let t = performance.now();
  // About four in five seeded Licenses are installed: seed enough of them for the subscribers wanted.
  const org = await startLocalOrg({
    port: 0,
    seed: Math.ceil(SUBSCRIBERS * 1.3),
    seedShape: { subscribers: SUBSCRIBERS },
    timing: { pushStartMs: 0, pushJobMs: 0, licenseDelayMs: 0 },
  });
  const seedMs = performance.now() - t;
  const hub = new Connection({
    instanceUrl: org.instanceUrl,
    accessToken: org.orgs.devhub.accessToken as string,
    version: '62.0',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const total = (await hub.query('SELECT COUNT() FROM PackageSubscriber')).totalSize;
  const rows: Array<[string, string]> = [];
  const byVersion = await timed(10, () =>
    hub.query(
      `SELECT MetadataPackageVersionId, OrgType, OrgStatus, COUNT(Id) n FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND InstalledStatus = 'i' GROUP BY MetadataPackageVersionId, OrgType, OrgStatus`,
    ),
  );
  rows.push([
    `Subscribers by version, org type and status (COUNT() GROUP BY over ${total})`,
    `${byVersion.toFixed(1)} ms, 1 request`,
  ]);
  const eligible = await timed(10, () =>
    hub.query(
      `SELECT COUNT() FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus != 'Inactive' AND HasRestrictionEnabled = false`,
    ),
  );
  rows.push([
    "Eligible count (COUNT() with the preview's exclusions)",
    `${eligible.toFixed(1)} ms, 1 request`,
  ]);

  // Every subscriber of any package not yet on Acme Billing's latest version: read the org keys (paged).
  t = performance.now();
  const keys: string[] = [];
  let page = await hub.query<{ OrgKey: string }>(
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}'`,
  );
  let reads = 1;
  for (;;) {
    keys.push(...page.records.map((r) => r.OrgKey));
    if (page.done || !page.nextRecordsUrl) break;
    page = await hub.queryMore<{ OrgKey: string }>(page.nextRecordsUrl);
    reads++;
  }
  const readMs = performance.now() - t;
  rows.push([`Read the ${keys.length} org keys to push`, `${readMs.toFixed(0)} ms, ${reads} requests`]);

  t = performance.now();
  const req = (await hub.sobject('PackagePushRequest').create({ PackageVersionId: latest })) as {
    id: string;
  };
  let calls = 1;
  let refused = 0;
  for (let i = 0; i < keys.length; i += 200) {
    const out = (await hub.sobject('PackagePushJob').create(
      keys.slice(i, i + 200).map((k) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: k })),
      { allOrNone: false },
    )) as Array<{ success: boolean }>;
    refused += out.filter((o) => !o.success).length;
    calls++;
  }
  await hub.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Pending' });
  calls++;
  const scheduleMs = performance.now() - t;
  rows.push([
    `Schedule: the request, ${keys.length} jobs in collections of 200, start (${refused} refused)`,
    `${scheduleMs.toFixed(0)} ms, ${calls} requests`,
  ]);

  t = performance.now();
  for (;;) {
    const r = await hub.sobject('PackagePushRequest').retrieve(req.id);
    if (r.Status === 'Succeeded' || r.Status === 'Failed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  rows.push([
    `Run of the request at pushJobMs 0 (each job: subscriber row, License)`,
    `${((performance.now() - t) / 1000).toFixed(1)} s`,
  ]);
  rows.unshift([
    `Seed (${Math.ceil(SUBSCRIBERS * 1.3)} licenses, ${total} subscribers), in-process`,
    `${(seedMs / 1000).toFixed(1)} s`,
  ]);
  await org.close();
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'Measure'.padEnd(width)} | Figure |\n| ${'-'.repeat(width)} | --- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
}

void main();
